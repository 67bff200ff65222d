package io.portalusers.query.users;

import io.portalusers.platform.PeriodicTask;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;

/**
 * Builds the search heads again after a rebuild of the users view (db/query V7, V10). The
 * rebuild's swap marks them not built (the replay aside the view keeps none: kept event by event
 * they made a replay four times slower); once the users processor's segments on a node are past
 * their replay, that node builds them from the view in one statement (about four minutes at a
 * million users, while the users processor's writes wait). Until then searches read every match.
 * {@code portal.search.heads-build} off leaves the building to an operator.
 */
@Component
public class SearchHeadsBuilder {

    private static final Logger log = LoggerFactory.getLogger(SearchHeadsBuilder.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SearchSettings settings;
    private final EventProcessingConfiguration processing;

    SearchHeadsBuilder(JdbcClient jdbc, PlatformTransactionManager transactions, SearchSettings settings,
                       EventProcessingConfiguration processing) {
        this.jdbc = jdbc;
        this.processing = processing;
        this.transaction = new TransactionTemplate(transactions);
        this.settings = settings;
    }

    /**
     * Builds the heads if they are not built and the users processor runs here with every
     * segment it holds past its replay; true if it did. Built, the database's function returns
     * at once without a lock.
     */
    public boolean buildIfMissing() {
        if (!replayDone()) {
            return false;
        }
        long started = System.nanoTime();
        boolean built = Boolean.TRUE.equals(transaction.execute(status -> {
            // minutes at a million users: past the pool's statement timeout, for this transaction only
            jdbc.sql("select set_config('statement_timeout', '0', true)").query(String.class).single();
            return jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
        }));
        if (built) {
            log.info("Search heads built from the users view in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
        return built;
    }

    /**
     * Whether the users processor runs on this node, holds segments, and none of them replays
     * by Axon's measure (a segment that has caught up with the log is not replaying, though the
     * token a replay leaves stays a replay token until an event past the reset arrives). Correct
     * either way (heads built at any time hold what they must); this only keeps the replay cheap.
     */
    private boolean replayDone() {
        return processing.eventProcessor(UsersProjection.NAME, StreamingEventProcessor.class)
                .filter(processor -> processor.isRunning() && !processor.processingStatus().isEmpty())
                .map(processor -> !processor.isReplaying())
                .orElse(false);
    }

    @Bean
    static PeriodicTask searchHeadsBuild(SearchHeadsBuilder builder) {
        return new PeriodicTask("search-heads-build", Duration.ofSeconds(5), Duration.ofSeconds(5),
                () -> {
                    if (builder.settings.isHeadsBuild()) {
                        builder.buildIfMissing();
                    }
                });
    }
}
