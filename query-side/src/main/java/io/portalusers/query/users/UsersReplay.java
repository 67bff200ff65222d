package io.portalusers.query.users;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Optional;

/**
 * The users processor's replay as this node sees it, and the long steps that follow one: the
 * swap of a rebuilt view ({@link UsersViewRebuild}) and the build of the search heads
 * ({@link SearchHeadsBuilder}), each one database function run past the pool's statement timeout.
 */
@Component
class UsersReplay {

    private static final Logger log = LoggerFactory.getLogger(UsersReplay.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;

    UsersReplay(JdbcClient jdbc, PlatformTransactionManager transactions, EventProcessingConfiguration processing,
                TokenStore tokens) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.processing = processing;
        this.tokens = tokens;
    }

    /**
     * Whether the users processor runs on this node, holds segments, and none of them replays by
     * Axon's measure (a segment that has caught up with the log is not replaying, though the token
     * a replay leaves stays a replay token until an event past the reset arrives). No query.
     */
    boolean done() {
        return processor().filter(processor -> processor.isRunning() && !processor.isReplaying()
                && !processor.processingStatus().isEmpty()).isPresent();
    }

    /** Whether the users processor on this node holds every segment of the token table. */
    boolean holdsEverySegment() {
        return processor().filter(processor -> processor.processingStatus().size()
                == tokens.fetchSegments(UsersProjection.NAME).length).isPresent();
    }

    private Optional<StreamingEventProcessor> processor() {
        return processing.eventProcessor(UsersProjection.NAME, StreamingEventProcessor.class);
    }

    /**
     * Runs {@code select function()} in a transaction of its own without the pool's statement
     * timeout (minutes at a million users), and logs {@code done} with the time it took when
     * the function says it did its work; its answer.
     */
    boolean runLong(String function, String done) {
        long started = System.nanoTime();
        boolean did = Boolean.TRUE.equals(transaction.execute(status -> {
            jdbc.sql("select set_config('statement_timeout', '0', true)").query(String.class).single();
            return jdbc.sql("select " + function + "()").query(Boolean.class).single();
        }));
        if (did) {
            log.info("{} in {} ms", done, (System.nanoTime() - started) / 1_000_000);
        }
        return did;
    }
}
