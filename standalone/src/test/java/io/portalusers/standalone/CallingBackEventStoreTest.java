package io.portalusers.standalone;

import io.portalusers.api.UserId;
import io.portalusers.api.user.Role;
import io.portalusers.platform.axon.CallingBackEventStore;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.StreamableMessageSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The streaming processors are woken when events arrive. The embedded event store's own streams
 * cannot call back, so Axon's coordinator of a pooled processor would look for new events every
 * 500 ms (the views trailing every command by that much); those of the service's
 * {@link CallingBackEventStore} can, and every pooled processor reads through them.
 */
class CallingBackEventStoreTest extends ApiTest {

    @Autowired
    private CallingBackEventStore eventStore;
    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private EventStorageEngine storageEngine;
    @Autowired
    private TransactionTemplate transactions;

    @Test
    void a_stream_is_called_back_when_an_event_is_appended_and_no_more_once_closed() throws Exception {
        EmbeddedEventStore axons = EmbeddedEventStore.builder().storageEngine(storageEngine).build();
        BlockingStream<TrackedEventMessage<?>> raw = axons.openStream(axons.createHeadToken());
        try {
            assertThat(raw.setOnAvailableCallback(() -> { })).as("Axon's embedded store's own stream calls back").isFalse();
        } finally {
            raw.close();
            axons.shutDown();
        }
        StreamableMessageSource<TrackedEventMessage<?>> watched = eventStore;
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
        // a store of its own on the same log, reading it every 100 ms (this node's appends do not wake it)
        CallingBackEventStore slow = new CallingBackEventStore(
                EmbeddedEventStore.builder().storageEngine(storageEngine).fetchDelay(100), Duration.ofSeconds(2));
        List<Long> calledAt = new CopyOnWriteArrayList<>();
        BlockingStream<TrackedEventMessage<?>> stream = slow.openStream(slow.createHeadToken());
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
            slow.shutDown();
        }
    }

    @Test
    void an_event_another_node_appended_reaches_the_processors_streams_within_the_poll_interval() throws Exception {
        // another node: an event store of its own on the same log, whose appends this node's store is not told of
        EmbeddedEventStore otherNode = EmbeddedEventStore.builder().storageEngine(storageEngine).build();
        StreamableMessageSource<TrackedEventMessage<?>> watched = eventStore;
        List<Duration> took = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                // at random moments, so that a look every second would be met at any point of its round
                Thread.sleep(ThreadLocalRandom.current().nextInt(300));
                CountDownLatch called = new CountDownLatch(1);
                BlockingStream<TrackedEventMessage<?>> stream = watched.openStream(watched.createHeadToken());
                try {
                    stream.setOnAvailableCallback(called::countDown);
                    UserId id = UserId.random();
                    long appended = transactions.execute(status -> {
                        otherNode.publish(new GenericDomainEventMessage<>("User", id.toString(), 0,
                                userCreated(id, Role.DEVELOPER)));
                        return System.nanoTime();
                    });
                    assertThat(called.await(10, TimeUnit.SECONDS)).as("called back").isTrue();
                    took.add(Duration.ofNanos(System.nanoTime() - appended));
                } finally {
                    stream.close();
                }
            }
        } finally {
            otherNode.shutDown();
        }
        // polled every second (Axon's default), ten in a row within 600 ms would be a chance of 0.6^10
        assertThat(took).allSatisfy(duration -> assertThat(duration).isLessThan(Duration.ofMillis(600)));
    }

    @Test
    void a_negative_wake_interval_is_refused() {
        assertThatThrownBy(() -> new CallingBackEventStore(EmbeddedEventStore.builder().storageEngine(storageEngine),
                Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("portal.events.wake-interval");
    }

    @Test
    void every_pooled_processor_reads_through_a_stream_that_calls_back() {
        long pooled = processing.eventProcessors().values().stream()
                .filter(PooledStreamingEventProcessor.class::isInstance).count();
        assertThat(pooled).as("pooled processors").isGreaterThanOrEqualTo(5);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(eventStore.streamsCalledBack()).isGreaterThanOrEqualTo((int) pooled));
    }
}
