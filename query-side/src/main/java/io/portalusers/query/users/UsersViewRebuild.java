package io.portalusers.query.users;

import io.portalusers.platform.PeriodicTask;
import io.portalusers.query.projections.RebuildAside;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;

/**
 * Swaps a rebuilt users view in (db/query V10). A reset of the users processor replays the log
 * into tables aside the view while everything else reads the view as it was; once the processor
 * runs on this node with every segment and none of them replays, this builds the view's indexes
 * on those tables and swaps them in. The search heads are then built by {@link SearchHeadsBuilder}.
 */
@Component
public class UsersViewRebuild implements RebuildAside {

    private static final Logger log = LoggerFactory.getLogger(UsersViewRebuild.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;

    UsersViewRebuild(JdbcClient jdbc, PlatformTransactionManager transactions, EventProcessingConfiguration processing,
                     TokenStore tokens) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.processing = processing;
        this.tokens = tokens;
    }

    @Override
    public String processor() {
        return UsersProjection.NAME;
    }

    @Override
    public boolean underWay() {
        return jdbc.sql("select exists (select from users_view_rebuild)").query(Boolean.class).single();
    }

    /**
     * Swaps the rebuilt view in if a rebuild is under way and its replay is done here; true if it
     * did. Without a rebuild the database's function returns at once.
     */
    public boolean finishIfDone() {
        if (!underWay() || !replayDone()) {
            return false;
        }
        long started = System.nanoTime();
        boolean finished = Boolean.TRUE.equals(transaction.execute(status -> {
            // the indexes of a million rows take minutes: past the pool's statement timeout, for this transaction only
            jdbc.sql("select set_config('statement_timeout', '0', true)").query(String.class).single();
            return jdbc.sql("select users_view_rebuild_finish()").query(Boolean.class).single();
        }));
        if (finished) {
            log.info("Rebuilt users view swapped in after {} ms building its indexes", (System.nanoTime() - started) / 1_000_000);
        }
        return finished;
    }

    /**
     * Whether the users processor runs on this node with every segment of the token table, and
     * none of them replays by Axon's measure. A rebuild starts on a node that is the only one
     * running (see Projections), which claims every segment and keeps them while it runs.
     */
    private boolean replayDone() {
        return processing.eventProcessor(UsersProjection.NAME, StreamingEventProcessor.class)
                .filter(processor -> processor.isRunning() && !processor.isReplaying())
                .map(processor -> processor.processingStatus().size() == tokens.fetchSegments(UsersProjection.NAME).length)
                .orElse(false);
    }

    @Bean
    static PeriodicTask usersViewSwap(UsersViewRebuild rebuild) {
        return new PeriodicTask("users-view-swap", Duration.ofSeconds(1), Duration.ofSeconds(1), rebuild::finishIfDone);
    }
}
