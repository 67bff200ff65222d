package io.portalusers.platform.axon;

import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Axon's embedded event store, whose streams call the streaming processors back as soon as events
 * arrive, instead of leaving them to look up to half a second later.
 *
 * <p>The coordinator of a pooled streaming processor that has found no new events asks its
 * stream to call it back when some become available; where the stream cannot, it looks again
 * 500 ms later. Axon Server's streams can, the embedded event store's cannot: so every
 * projection's view trailed its commands by 250 ms on average and by 500 ms and more at worst,
 * however idle the service (at 100 creations a second the users processor took them in bursts,
 * every 500 ms to the millisecond; lag p50 330 ms, p99 568 ms).
 *
 * <p>The streams this store opens can call back: one stream of its own, opened at the head of
 * the log, waits for events and, when some arrive, calls back every open stream. Events
 * committed on this node reach it at once (the store's producer is woken by the commit); those of
 * another node when the producer next reads the log ({@code portal.events.poll-interval}).
 *
 * <p>After a round of call-backs the watching stream waits {@code portal.events.wake-interval}
 * before the next: the first event after a quiet spell wakes the processors at once, and under
 * load they take what arrived meanwhile together. Woken for every arrival, the processors made a
 * transaction per segment for nearly every event, and a busy node created a fifth fewer users a
 * second (16 clients: 245 and 266 against 316 and 339 polled; 325 with 100 ms).
 */
public class CallingBackEventStore extends EmbeddedEventStore {

    private static final Logger log = LoggerFactory.getLogger(CallingBackEventStore.class);
    /** How long the watching stream waits for events before it checks whether it should stop. */
    private static final int WAIT_SECONDS = 1;
    /** After the watching stream failed (the database unreachable), before it opens another. */
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Duration wakeInterval;
    private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
    private Thread watcher;
    private boolean stopped;

    /**
     * @param wakeInterval the least time between two rounds of call-backs ({@code portal.events.wake-interval}):
     *                     events that arrive meanwhile are handed to the processors together, in
     *                     fewer and larger batches (a transaction per batch and segment is what a
     *                     busy node pays for every wake-up)
     */
    public CallingBackEventStore(Builder builder, Duration wakeInterval) {
        // the store starts no thread until a stream is opened: nothing to stop when this refuses
        super(builder);
        if (wakeInterval.isNegative()) {
            throw new IllegalArgumentException("portal.events.wake-interval must not be negative: " + wakeInterval);
        }
        this.wakeInterval = wakeInterval;
    }

    @Override
    public TrackingEventStream openStream(TrackingToken token) {
        return new CallingBack(super.openStream(token));
    }

    /** How many open streams are called back. */
    public int streamsCalledBack() {
        return callbacks.size();
    }

    @Override
    public void shutDown() {
        synchronized (this) {
            stopped = true;
            callbacks.clear();
            if (watcher != null) {
                watcher.interrupt();
            }
        }
        super.shutDown();
    }

    /** Calls {@code callback} back when events arrive; the watching stream starts with the first. */
    private synchronized void register(Runnable callback) {
        if (stopped) {
            return;
        }
        callbacks.add(callback);
        if (watcher == null) {
            watcher = new Thread(this::watch, "event-arrivals");
            watcher.setDaemon(true);
            watcher.start();
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }

    private void watch() {
        TrackingEventStream head = null;
        try {
            while (!isStopped()) {
                try {
                    if (head == null) {
                        head = super.openStream(createHeadToken());
                    }
                    if (head.hasNextAvailable(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        do {
                            head.nextAvailable();
                        } while (head.hasNextAvailable());
                        callBack();
                        Thread.sleep(wakeInterval.toMillis());
                    }
                } catch (RuntimeException e) {
                    // the processors' own streams meet the same failure and retry on their own
                    log.debug("Watching the event log for arrivals failed; again in {}", RETRY, e);
                    closeQuietly(head);
                    head = null;
                    Thread.sleep(RETRY.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(head);
        }
    }

    private void callBack() {
        for (Runnable callback : callbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                // a processor shutting down refuses to schedule: its stream is closed next
                log.debug("A streaming processor's arrival callback failed", e);
            }
        }
    }

    private static void closeQuietly(TrackingEventStream stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (RuntimeException e) {
                log.debug("Closing the stream that watched the event log failed", e);
            }
        }
    }

    /** A stream of the embedded store, called back through the watching stream. */
    private final class CallingBack implements TrackingEventStream {

        private final TrackingEventStream stream;
        private Runnable callback;

        CallingBack(TrackingEventStream stream) {
            this.stream = stream;
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            if (this.callback != null) {
                callbacks.remove(this.callback);
            }
            this.callback = callback;
            register(callback);
            return true;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return stream.peek();
        }

        @Override
        public boolean hasNextAvailable() {
            return stream.hasNextAvailable();
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            return stream.hasNextAvailable(timeout, unit);
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return stream.nextAvailable();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            stream.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public void close() {
            if (callback != null) {
                callbacks.remove(callback);
            }
            stream.close();
        }
    }
}
