package io.portalusers.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JVM killed with SIGKILL cannot stop the embedded PostgreSQL it started: the server keeps
 * running on the data directory, and the next start fails to lock it. The embedded server's
 * owner holds a file lock ({@value #OWNER_LOCK}) in the data directory while it runs; the
 * operating system releases it when that JVM dies. So when nobody holds that lock and the
 * {@code postmaster.pid} there names a live postgres process on this very directory, that
 * server is a leftover of ours: it is shut down (SIGTERM, PostgreSQL's smart shutdown; its
 * clients died with their JVM), and the start proceeds as after any crash.
 */
final class StalePostmaster {

    /** The lock file of io.zonky's EmbeddedPostgres, held by the JVM that runs the server. */
    static final String OWNER_LOCK = "epg-lock";
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {
    }

    static void stopIfAny(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dataDirectory.resolve(OWNER_LOCK),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock owner = channel.tryLock()) {
            if (owner == null) {
                return; // a live JVM runs this server: the embedded start reports that itself
            }
            leftover(pidFile, dataDirectory).ifPresent(StalePostmaster::shutDown);
        }
    }

    /** The postgres process that postmaster.pid names, when it is alive and serves this directory. */
    private static Optional<ProcessHandle> leftover(Path pidFile, Path dataDirectory) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!Path.of(lines.get(1).strip()).toAbsolutePath().normalize()
                .equals(dataDirectory.toAbsolutePath().normalize())) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("postgres")).orElse(false));
    }

    private static void shutDown(ProcessHandle postmaster) {
        log.warn("Embedded PostgreSQL (pid {}) outlived the process that started it; shutting it down", postmaster.pid());
        postmaster.destroy();
        try {
            postmaster.onExit().get(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("Embedded PostgreSQL (pid {}) did not stop within {}; killing it", postmaster.pid(), SHUTDOWN_WAIT);
            postmaster.destroyForcibly();
            postmaster.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping a leftover embedded PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
