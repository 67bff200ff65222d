package io.portalusers.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run every {@code interval} (first after {@code initialDelay}) on a daemon thread of
 * its own, from the context's start until its stop. A failed run is logged by its exception's
 * class only (messages may quote data) and the next run tries again.
 *
 * <p>Not Spring's {@code @Scheduled}: that runs on whichever {@code ScheduledExecutorService}
 * bean the context has, here the command gateway's retry scheduler, whose retries would then
 * wait behind mail rounds and log scans.
 */
public final class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Duration initialDelay;
    private final Duration interval;
    private final Runnable task;
    private ScheduledExecutorService thread;

    public PeriodicTask(String name, Duration initialDelay, Duration interval, Runnable task) {
        this.name = name;
        this.initialDelay = initialDelay;
        this.interval = interval;
        this.task = task;
    }

    @Override
    public synchronized void start() {
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread daemon = new Thread(runnable, name);
            daemon.setDaemon(true);
            return daemon;
        });
        thread.scheduleWithFixedDelay(this::runQuietly, initialDelay.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed ({}); the next run tries again", name, e.getClass().getSimpleName());
        }
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return thread != null;
    }
}
