package io.portalusers.query.projections;

import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dead letters of the query side's processors ({@link DeadLetterConfiguration}): what is
 * parked, a retry of a parked sequence, an eviction. Listing reads Axon's table directly (one
 * row per sequence, with its first letter: the one that failed); retry and eviction go through
 * Axon's queue and processor, which claim and remove the letters.
 */
@Component
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final EventProcessingConfiguration processing;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    DeadLetters(EventProcessingConfiguration processing, JdbcClient jdbc, TransactionTemplate transactions) {
        this.processing = processing;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = Clock.systemUTC();
    }

    /** How much one processor has parked. */
    public record Count(long sequences, long letters) {
    }

    /** Why a letter is parked; {@code type} is the exception's class. */
    record Cause(String type, String message) {
    }

    /**
     * One parked event. {@code globalIndex} is its position in the event log (null if the log
     * no longer holds it); {@code eventType} its payload's class.
     */
    record Letter(long index, String eventIdentifier, String eventType, String aggregateType,
                  String aggregateIdentifier, Long sequenceNumber, Long globalIndex, Cause cause,
                  Instant enqueuedAt, Instant lastTouched) {
    }

    /** A parked sequence: its id (the aggregate's), how many events it holds, and its first letter. */
    record Sequence(String sequenceId, long letters, Letter first) {
    }

    record Listing(String processor, long sequences, long letters, List<Sequence> items) {
    }

    /** The processors that have a dead-letter queue, in order. */
    List<String> processors() {
        return DeadLetterConfiguration.PROCESSORS.stream().sorted().toList();
    }

    boolean hasQueue(String processor) {
        return DeadLetterConfiguration.PROCESSORS.contains(processor)
                && processing.sequencedDeadLetterProcessor(processor).isPresent();
    }

    /** Every processor with a queue and what it holds, in one query. */
    public Map<String, Count> counts() {
        Map<String, Count> counts = new LinkedHashMap<>();
        processors().forEach(name -> counts.put(name, new Count(0, 0)));
        jdbc.sql("""
                        select processinggroup, count(distinct sequenceidentifier) as sequences, count(*) as letters
                        from deadletterentry group by processinggroup""")
                .query((rs, n) -> Map.entry(rs.getString(1), new Count(rs.getLong(2), rs.getLong(3))))
                .list()
                .forEach(entry -> counts.computeIfPresent(entry.getKey(), (name, zero) -> entry.getValue()));
        return counts;
    }

    /** The parked sequences of {@code processor}, the longest parked first. */
    Listing list(String processor, int limit, int offset) {
        List<Sequence> sequences = jdbc.sql("""
                        select d.*, e.globalindex, s.letters from deadletterentry d
                        join (select sequenceidentifier, min(sequenceindex) as first, count(*) as letters
                              from deadletterentry where processinggroup = :processor group by sequenceidentifier) s
                          on s.sequenceidentifier = d.sequenceidentifier and s.first = d.sequenceindex
                        left join domainevententry e on e.eventidentifier = d.eventidentifier
                        where d.processinggroup = :processor
                        order by d.enqueuedat, d.sequenceidentifier limit :limit offset :offset""")
                .param("processor", processor).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Sequence(rs.getString("sequenceidentifier"), rs.getLong("letters"), letter(rs)))
                .list();
        Count count = counts().getOrDefault(processor, new Count(0, 0));
        return new Listing(processor, count.sequences(), count.letters(), sequences);
    }

    /** The letters of one parked sequence, in the order they are to be handled; empty when none is parked. */
    List<Letter> sequence(String processor, String sequenceId) {
        return jdbc.sql("""
                        select d.*, e.globalindex from deadletterentry d
                        left join domainevententry e on e.eventidentifier = d.eventidentifier
                        where d.processinggroup = ? and d.sequenceidentifier = ? order by d.sequenceindex""")
                .params(processor, sequenceId)
                .query((rs, n) -> letter(rs))
                .list();
    }

    /** How a retry ended: {@code processed} when every letter was handled and left the queue. */
    record Retry(String processor, String sequenceId, boolean processed, int remaining, Cause failure) {
    }

    /**
     * Handles the sequence's letters now, in order, through the processor's handlers and in
     * one transaction (Axon's {@link SequencedDeadLetterProcessor#process}): all of them leave
     * the queue, or, if one fails again, none does and the sequence stays as it was.
     * Empty when nothing of that sequence is parked.
     */
    Optional<Retry> retry(String processor, String sequenceId) {
        List<Letter> letters = sequence(processor, sequenceId);
        if (letters.isEmpty()) {
            return Optional.empty();
        }
        String first = letters.get(0).eventIdentifier();
        SequencedDeadLetterProcessor<EventMessage<?>> letterProcessor = processing.sequencedDeadLetterProcessor(processor)
                .orElseThrow();
        Cause failure = null;
        try {
            letterProcessor.process(letter -> first.equals(letter.message().getIdentifier()));
        } catch (RuntimeException e) {
            // a handler that fails again rolls the retry back, its claim included
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            failure = new Cause(root.getClass().getName(), String.valueOf(root.getMessage()));
            log.warn("Retry of dead-letter sequence {} of processor {} failed: {}", sequenceId, processor, failure);
        }
        List<Letter> left = sequence(processor, sequenceId);
        int remaining = left.size();
        if (failure == null && remaining > 0 && first.equals(left.get(0).eventIdentifier())) {
            // not claimed (a retry elsewhere holds it) or refused again without an exception
            failure = new Cause("unprocessed", "the sequence is still parked");
        }
        log.info("Retried dead-letter sequence {} of processor {}: {} letters of {} remain", sequenceId, processor,
                remaining, letters.size());
        return Optional.of(new Retry(processor, sequenceId, remaining == 0, remaining, failure));
    }

    /**
     * Removes every letter of the sequence, unhandled, and records who did it and why in the
     * audit record of commands ({@code command_audit}, command {@code EvictDeadLetters}, the
     * processor and sequence as its target) in the same transaction. The evicted events are
     * missing from the read model until it is rebuilt (which meets them again). The number of
     * letters evicted; 0 when nothing was parked.
     */
    int evict(String processor, String sequenceId, String actorId, String correlationId, String reason) {
        SequencedDeadLetterQueue<EventMessage<?>> queue = processing.deadLetterQueue(processor).orElseThrow();
        Integer evicted = transactions.execute(status -> {
            List<DeadLetter<? extends EventMessage<?>>> letters = new ArrayList<>();
            queue.deadLetterSequence(sequenceId).forEach(letters::add);
            letters.forEach(queue::evict);
            if (!letters.isEmpty()) {
                jdbc.sql("""
                                insert into command_audit (recorded_at, actor_id, command, target_id, correlation_id,
                                                           reason, outcome, code)
                                values (?, ?, 'EvictDeadLetters', ?, ?, ?, 'ACCEPTED', ?)""")
                        .params(Timestamp.from(clock.instant()), actorId, processor + "/" + sequenceId, correlationId,
                                reason, letters.size() + " letters")
                        .update();
            }
            return letters.size();
        });
        log.warn("Evicted {} dead letters of sequence {} of processor {} by {}, reason: {}", evicted, sequenceId,
                processor, actorId, reason);
        return evicted == null ? 0 : evicted;
    }

    private static Letter letter(ResultSet rs) throws SQLException {
        String causeType = rs.getString("causetype");
        long sequenceNumber = rs.getLong("sequencenumber");
        Long number = rs.wasNull() || sequenceNumber < 0 ? null : sequenceNumber;
        long globalIndex = rs.getLong("globalindex");
        Long index = rs.wasNull() ? null : globalIndex;
        return new Letter(rs.getLong("sequenceindex"), rs.getString("eventidentifier"), rs.getString("payloadtype"),
                rs.getString("type"), rs.getString("aggregateidentifier"), number, index,
                causeType == null ? null : new Cause(causeType, rs.getString("causemessage")),
                instant(rs.getString("enqueuedat")), instant(rs.getString("lasttouched")));
    }

    private static Instant instant(String text) {
        return text == null ? null : DateTimeUtils.parseInstant(text);
    }
}
