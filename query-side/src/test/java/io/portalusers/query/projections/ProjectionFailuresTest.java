package io.portalusers.query.projections;

import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.deadletter.DeadLetteringEventHandlerInvoker;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.axonframework.messaging.deadletter.InMemorySequencedDeadLetterQueue;
import org.axonframework.serialization.SerializationException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the query side's processors park in their dead-letter queue, and what they retry. */
class ProjectionFailuresTest {

    private final ProjectionFailures policy = new ProjectionFailures();

    private static DomainEventMessage<String> event(String aggregate, long sequence, String payload) {
        return new GenericDomainEventMessage<>("User", aggregate, sequence, payload);
    }

    private EnqueueDecision<EventMessage<?>> decide(Throwable cause) {
        DeadLetter<EventMessage<?>> letter = new GenericDeadLetter<>("user-1", event("user-1", 0, "x"), cause);
        return policy.decide(letter, cause);
    }

    @Test
    void a_handler_failing_for_its_event_is_parked_with_its_cause() {
        EnqueueDecision<EventMessage<?>> refused = decide(new IllegalStateException("no such organization"));
        EnqueueDecision<EventMessage<?>> unreadable = decide(new SerializationException("Error while deserializing",
                new IllegalArgumentException("name is required")));

        assertThat(refused.shouldEnqueue()).isTrue();
        assertThat(refused.enqueueCause()).get().extracting(Throwable::getMessage).isEqualTo("no such organization");
        assertThat(unreadable.shouldEnqueue()).isTrue();
        assertThat(unreadable.enqueueCause()).get().extracting(cause -> cause.getClass().getSimpleName())
                .isEqualTo("ThrowableCause");
    }

    @Test
    void a_long_message_is_cut_to_what_the_table_holds() {
        assertThat(decide(new IllegalArgumentException("x".repeat(5_000))).enqueueCause().orElseThrow().getMessage())
                .hasSizeLessThanOrEqualTo(1023);
    }

    @Test
    void a_failure_of_the_database_is_never_parked_but_ends_the_batch_to_be_retried() {
        CannotAcquireLockException lockTimeout = new CannotAcquireLockException("lock timeout",
                new PSQLException("canceling statement due to lock timeout", PSQLState.UNKNOWN_STATE));
        SQLTransientConnectionException connection = new SQLTransientConnectionException("connection is not available");
        DataIntegrityViolationException constraint = new DataIntegrityViolationException("duplicate key");

        assertThatThrownBy(() -> decide(lockTimeout)).isSameAs(lockTimeout);
        assertThatThrownBy(() -> decide(new CannotCreateTransactionException("database down"))).hasMessage("database down");
        assertThatThrownBy(() -> decide(constraint)).as("PostgreSQL aborted the transaction").isSameAs(constraint);
        assertThatThrownBy(() -> decide(connection)).hasCause(connection);
        assertThatThrownBy(() -> decide(new IllegalStateException("handler", new RuntimeException(connection))))
                .as("found among the causes").hasRootCause(connection);
    }

    /** A handler that fails for one marked aggregate, and on whose database one other one times out. */
    static final class Handler {
        final List<String> handled = new ArrayList<>();

        @EventHandler
        void on(String payload, DomainEventMessage<String> event) {
            if (payload.equals("poison")) {
                throw new IllegalArgumentException("cannot project " + event.getAggregateIdentifier());
            }
            if (payload.equals("lock")) {
                throw new CannotAcquireLockException("lock timeout");
            }
            handled.add(event.getAggregateIdentifier() + ":" + event.getSequenceNumber());
        }
    }

    @Test
    void with_axons_invoker_a_poison_parks_only_its_own_aggregate_and_everything_after_it_in_order() throws Exception {
        Handler handler = new Handler();
        InMemorySequencedDeadLetterQueue<EventMessage<?>> queue = InMemorySequencedDeadLetterQueue.defaultQueue();
        DeadLetteringEventHandlerInvoker invoker = DeadLetteringEventHandlerInvoker.builder()
                .eventHandlers(handler)
                .queue(queue)
                .enqueuePolicy(policy)
                .transactionManager(NoTransactionManager.instance())
                .enableSequenceIdentifierCache()
                .build();
        List<EventMessage<?>> log = List.of(event("a", 0, "ok"), event("b", 0, "ok"), event("a", 1, "poison"),
                event("b", 1, "ok"), event("a", 2, "ok"), event("c", 0, "ok"), event("a", 3, "ok"));
        for (EventMessage<?> event : log) {
            invoker.handle(event, Segment.ROOT_SEGMENT);
        }

        assertThat(handler.handled).containsExactly("a:0", "b:0", "b:1", "c:0");
        assertThat(queue.amountOfSequences()).isEqualTo(1);
        List<Long> parked = StreamSupport.stream(queue.deadLetterSequence("a").spliterator(), false)
                .map(letter -> ((DomainEventMessage<?>) letter.message()).getSequenceNumber()).toList();
        assertThat(parked).containsExactly(1L, 2L, 3L);

        assertThatThrownBy(() -> invoker.handle(event("d", 0, "lock"), Segment.ROOT_SEGMENT))
                .as("the batch ends and is retried").isInstanceOf(CannotAcquireLockException.class);
        assertThat(queue.contains("d")).isFalse();
    }
}
