package io.portalusers.standalone;

import io.portalusers.api.user.Role;
import io.portalusers.platform.axon.EventArrivals;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The streaming processors are woken when events arrive. The embedded event store's own streams
 * cannot call back, so Axon's coordinator of a pooled processor would look for new events every
 * 500 ms (the views trailing every command by that much); the streams {@link EventArrivals}
 * hands out can, and every pooled processor reads through them.
 */
class EventArrivalsTest extends ApiTest {

    @Autowired
    private EventArrivals arrivals;
    @Autowired
    private EventStore eventStore;
    @Autowired
    private EventProcessingConfiguration processing;

    @Test
    void a_stream_is_called_back_when_an_event_is_appended_and_no_more_once_closed() throws Exception {
        BlockingStream<TrackedEventMessage<?>> raw = eventStore.openStream(eventStore.createHeadToken());
        try {
            assertThat(raw.setOnAvailableCallback(() -> { })).as("the event store's own stream calls back").isFalse();
        } finally {
            raw.close();
        }
        StreamableMessageSource<TrackedEventMessage<?>> watched = arrivals.watching(eventStore);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch called = new CountDownLatch(1);
        BlockingStream<TrackedEventMessage<?>> stream = watched.openStream(watched.createHeadToken());
        assertThat(stream.setOnAvailableCallback(() -> {
            calls.incrementAndGet();
            called.countDown();
        })).isTrue();
        assertThat(stream.hasNextAvailable()).as("nothing appended yet").isFalse();

        givenUser(Role.DEVELOPER);

        assertThat(called.await(10, TimeUnit.SECONDS)).as("called back after the append").isTrue();
        // what the processor's coordinator does when called: the event is there, without waiting
        assertThat(stream.hasNextAvailable()).isTrue();
        stream.close();

        int callsWhenClosed = calls.get();
        CountDownLatch other = new CountDownLatch(1);
        BlockingStream<TrackedEventMessage<?>> open = watched.openStream(watched.createHeadToken());
        try {
            open.setOnAvailableCallback(other::countDown);
            givenUser(Role.DEVELOPER);
            assertThat(other.await(10, TimeUnit.SECONDS)).as("the stream still open called back").isTrue();
            assertThat(calls.get()).as("calls of the closed stream").isEqualTo(callsWhenClosed);
        } finally {
            open.close();
        }
    }

    @Test
    void events_that_arrive_within_the_wake_interval_of_a_call_back_are_called_back_together_after_it()
            throws Exception {
        EventArrivals slow = new EventArrivals(Duration.ofSeconds(2));
        List<Long> calledAt = new CopyOnWriteArrayList<>();
        StreamableMessageSource<TrackedEventMessage<?>> watched = slow.watching(eventStore);
        BlockingStream<TrackedEventMessage<?>> stream = watched.openStream(watched.createHeadToken());
        try {
            stream.setOnAvailableCallback(() -> calledAt.add(System.nanoTime()));
            givenUser(Role.DEVELOPER);
            await().atMost(Duration.ofSeconds(10)).until(() -> calledAt.size() == 1);
            // within the interval: the watching stream is asleep, so this one waits for its end
            givenUser(Role.DEVELOPER);
            givenUser(Role.DEVELOPER);

            await().atMost(Duration.ofSeconds(10)).until(() -> calledAt.size() >= 2);
            assertThat(calledAt).as("both later events in one round").hasSize(2);
            assertThat(Duration.ofNanos(calledAt.get(1) - calledAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(1_990));
        } finally {
            stream.close();
            slow.destroy();
        }
    }

    @Test
    void a_negative_wake_interval_is_refused() {
        assertThatThrownBy(() -> new EventArrivals(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("portal.events.wake-interval");
    }

    @Test
    void every_pooled_processor_reads_through_a_stream_that_calls_back() {
        long pooled = processing.eventProcessors().values().stream()
                .filter(PooledStreamingEventProcessor.class::isInstance).count();
        assertThat(pooled).as("pooled processors").isGreaterThanOrEqualTo(5);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(arrivals.streamsCalledBack()).isGreaterThanOrEqualTo((int) pooled));
    }
}
