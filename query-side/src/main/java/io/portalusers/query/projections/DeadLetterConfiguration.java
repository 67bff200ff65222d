package io.portalusers.query.projections;

import io.portalusers.query.notifier.Notifier;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.deadletter.jdbc.DeadLetterSchema;
import org.axonframework.eventhandling.deadletter.jdbc.JdbcSequencedDeadLetterQueue;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.List;

/**
 * Axon's sequenced dead-letter queue ({@link JdbcSequencedDeadLetterQueue}, table
 * {@code deadletterentry}) for each of the query side's processors: an event whose handler
 * fails for good parks its sequence (its aggregate: the processors sequence per aggregate,
 * Axon's default) and the processor goes on with every other aggregate; later events of a
 * parked aggregate are parked behind it, in order. {@link ProjectionFailures} decides what is
 * parked and what is retried; {@link DeadLetters} lists, retries and evicts.
 *
 * <p>The queue is configured here rather than by Axon's {@code axon.eventhandling.processors.*.dlq.enabled}:
 * that builds the same JDBC queue, but with fixed limits, without the sequence cache and
 * without clearing on a reset.
 *
 * <p>The users projection folds a batch in memory and writes it when the batch commits
 * (UsersProjection): its handlers only read the event and queue the change, so what fails per
 * event, and is parked, is an event that does not read or that a handler refuses; a parked
 * event never reaches the batch, and neither does any later event of its user. The batch's
 * single write is of the whole batch: if it fails, the database failed, and the batch is
 * retried (with its dead letters, which commit in the same transaction as the rows and the
 * token). A retry of a parked sequence runs in one transaction too: its events fold into one
 * batch, written once, and leave the queue only if that write commits.
 */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    /**
     * The read models, and the notifier: a poison event there holds back only its own
     * user's (or registration's) emails instead of every email of a quarter of the users. Its
     * emails stay idempotent (message ids derived from their subject) and an invitation's is
     * only written while its token still waits, so a retry days later sends nothing stale
     * about invitations; what else it sends late is the operator's choice (retry or evict).
     */
    static final List<String> PROCESSORS = List.of("users", "organizations", "settings", "registrations", Notifier.NAME);

    /**
     * Aggregates a processor may park. A bug that fails every event of a kind would otherwise
     * park the whole user base one by one; past this many the queue is full, the batch fails
     * and the processor stops and retries as it did without a queue, which shows in its status.
     */
    static final int MAX_SEQUENCES = 1_000;
    /** Events per parked aggregate: far more than any user's history, so a busy user never stops the processor. */
    static final int MAX_SEQUENCE_SIZE = 10_000;
    /** How long a retry holds its sequence against a retry on another node (Axon's default is 30 s). */
    static final Duration CLAIM = Duration.ofMinutes(5);

    @Autowired
    void deadLetterQueues(EventProcessingConfigurer processing, ConnectionProvider connections,
                          TransactionManager transactions, @Qualifier("serializer") Serializer serializer,
                          @Qualifier("eventSerializer") Serializer eventSerializer) {
        for (String name : PROCESSORS) {
            processing.registerDeadLetterQueue(name, configuration -> JdbcSequencedDeadLetterQueue.builder()
                    .processingGroup(name)
                    .connectionProvider(connections)
                    .transactionManager(transactions)
                    .schema(DeadLetterSchema.defaultSchema())
                    .genericSerializer(serializer)
                    .eventSerializer(eventSerializer)
                    .maxSequences(MAX_SEQUENCES)
                    .maxSequenceSize(MAX_SEQUENCE_SIZE)
                    .claimDuration(CLAIM)
                    .build());
            processing.registerDeadLetterPolicy(name, configuration -> new ProjectionFailures());
            // The cache spares a query per event while the queue holds nothing of a segment
            // (a replay of the whole log would pay it for every event). A reset (a rebuild)
            // empties the processor's queue: the replay meets every event again, and parks again
            // what still fails. The notifier is never reset.
            boolean rebuilt = !Notifier.NAME.equals(name);
            processing.registerDeadLetteringEventHandlerInvokerConfiguration(name,
                    (configuration, builder) -> builder.enableSequenceIdentifierCache().allowReset(rebuilt));
        }
    }
}
