package io.portalusers.query.projections;

import org.axonframework.common.AxonTransientException;
import org.axonframework.common.jdbc.JdbcException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

import java.net.SocketException;
import java.sql.SQLException;

/**
 * Which failures of an event handler park the event's sequence (its aggregate) in the
 * processor's dead-letter queue, and which stop the batch so that the processor retries it.
 *
 * <p>Parked: what fails for this event and would fail again on every retry, the handler's
 * own exceptions (a payload that does not read, a value it refuses, a missing reference).
 * The other aggregates go on; the parked one waits, with every later event of it, for an
 * operator to retry or evict it.
 *
 * <p>Retried, never parked: every failure of the database or of the transaction. A database
 * outage, a lock or statement timeout, a lost connection or a serialization failure is
 * transient, and parking on it would park every aggregate the outage touched. A deterministic
 * SQL error (a constraint violated) is retried as well, for a reason of PostgreSQL's: the
 * failed statement aborted the batch's transaction, in which the dead letter would have to
 * be written together with the processor's token; no statement runs in it any more. So the
 * batch fails, its transaction rolls back and the processor retries it from its token, as it
 * did before there was a queue. The exception is thrown from here: the dead-lettering
 * invoker lets what its policy throws end the batch.
 */
final class ProjectionFailures implements EnqueuePolicy<EventMessage<?>> {

    @Override
    public EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
        if (isRetried(cause)) {
            throw cause instanceof RuntimeException runtime ? runtime : new RetriedFailure(cause);
        }
        return Decisions.enqueue(ThrowableCause.truncated(cause));
    }

    /** Whether {@code failure}, or anything that caused it, is the database's or the transaction's. */
    static boolean isRetried(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof DataAccessException || t instanceof TransactionException
                    || t instanceof JdbcException || t instanceof AxonTransientException
                    || t instanceof SocketException || t instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** A checked failure of the database, thrown on so that the batch ends and is retried. */
    static final class RetriedFailure extends RuntimeException {
        RetriedFailure(Throwable cause) {
            super(cause.toString(), cause);
        }
    }
}
