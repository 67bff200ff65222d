package io.portalusers.platform.axon;

import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the streaming processors as soon as events arrive, instead of up to half a second later.
 *
 * <p>The coordinator of a pooled streaming processor that has found no new events asks its
 * stream to call it back when some become available; where the stream cannot, it looks again
 * 500 ms later. Axon Server's streams can, the embedded event store's (the JDBC one) cannot: so
 * every projection's view trailed its commands by 250 ms on average and by 500 ms and more at
 * worst, however idle the service (at 100 creations a second the users processor took them in
 * bursts, every 500 ms to the millisecond; lag p50 330 ms, p99 568 ms).
 *
 * <p>The streams handed out here can call back: one stream of this class's own, opened at the
 * head of the log, waits for events and, when some arrive, calls back every open stream. Events
 * committed on this node reach it at once (the store's producer is woken by the commit); those of
 * another node when the producer next reads the log. A stream that can call back itself (Axon
 * Server's) is left to do so, and no watching stream is opened for it.
 *
 * <p>After a round of call-backs the watching stream waits {@code portal.events.wake-interval}
 * before the next: the first event after a quiet spell wakes the processors at once, and under
 * load they take what arrived meanwhile together. Woken for every arrival, the processors made a
 * transaction per segment for nearly every event, and a busy node created a fifth fewer users a
 * second (16 clients: 245 and 266 against 316 and 339 polled; 325 with 100 ms).
 */
public class EventArrivals implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EventArrivals.class);
    /** How long the watching stream waits for events before it checks whether it should stop. */
    private static final int WAIT_SECONDS = 1;
    /** After the watching stream failed (the database unreachable), before it opens another. */
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<StreamableMessageSource<TrackedEventMessage<?>>, Watched> watched = new ConcurrentHashMap<>();
    private final Duration interval;

    /**
     * @param interval the least time between two rounds of call-backs ({@code portal.events.wake-interval}):
     *                 events that arrive meanwhile are handed to the processors together, in fewer
     *                 and larger batches (a transaction per batch and segment is what a busy node
     *                 pays for every wake-up)
     */
    public EventArrivals(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("portal.events.wake-interval must not be negative: " + interval);
        }
        this.interval = interval;
    }

    /** {@code source}, whose streams call back when events arrive. */
    public StreamableMessageSource<TrackedEventMessage<?>> watching(StreamableMessageSource<TrackedEventMessage<?>> source) {
        return watched.computeIfAbsent(source, s -> new Watched(s, interval));
    }

    /** How many open streams are called back through a watching stream (those of Axon Server call back themselves). */
    public int streamsCalledBack() {
        return watched.values().stream().mapToInt(source -> source.callbacks.size()).sum();
    }

    @Override
    public void destroy() {
        watched.values().forEach(Watched::stop);
    }

    /** A source whose streams call back; the thread that watches it starts with the first stream that needs it. */
    static final class Watched implements StreamableMessageSource<TrackedEventMessage<?>> {

        private final StreamableMessageSource<TrackedEventMessage<?>> source;
        private final Duration interval;
        private final Set<Runnable> callbacks = ConcurrentHashMap.newKeySet();
        private Thread watcher;
        private boolean stopped;

        Watched(StreamableMessageSource<TrackedEventMessage<?>> source, Duration interval) {
            this.source = source;
            this.interval = interval;
        }

        @Override
        public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken token) {
            return new CallingBack(source.openStream(token));
        }

        @Override
        public TrackingToken createTailToken() {
            return source.createTailToken();
        }

        @Override
        public TrackingToken createHeadToken() {
            return source.createHeadToken();
        }

        @Override
        public TrackingToken createTokenAt(Instant dateTime) {
            return source.createTokenAt(dateTime);
        }

        @Override
        public TrackingToken createTokenSince(Duration duration) {
            return source.createTokenSince(duration);
        }

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

        private synchronized void stop() {
            stopped = true;
            callbacks.clear();
            if (watcher != null) {
                watcher.interrupt();
            }
        }

        private synchronized boolean isStopped() {
            return stopped;
        }

        private void watch() {
            BlockingStream<TrackedEventMessage<?>> head = null;
            try {
                while (!isStopped()) {
                    try {
                        if (head == null) {
                            head = source.openStream(source.createHeadToken());
                        }
                        if (head.hasNextAvailable(WAIT_SECONDS, TimeUnit.SECONDS)) {
                            do {
                                head.nextAvailable();
                            } while (head.hasNextAvailable());
                            callBack();
                            Thread.sleep(interval.toMillis());
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

        private static void closeQuietly(BlockingStream<?> stream) {
            if (stream != null) {
                try {
                    stream.close();
                } catch (RuntimeException e) {
                    log.debug("Closing the stream that watched the event log failed", e);
                }
            }
        }

        /** A processor's stream; it calls back itself where it can, else through the watching stream. */
        private final class CallingBack implements BlockingStream<TrackedEventMessage<?>> {

            private final BlockingStream<TrackedEventMessage<?>> stream;
            private Runnable callback;

            CallingBack(BlockingStream<TrackedEventMessage<?>> stream) {
                this.stream = stream;
            }

            @Override
            public boolean setOnAvailableCallback(Runnable callback) {
                if (stream.setOnAvailableCallback(callback)) {
                    return true;
                }
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
}
