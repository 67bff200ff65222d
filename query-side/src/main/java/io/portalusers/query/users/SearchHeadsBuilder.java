package io.portalusers.query.users;

import io.portalusers.platform.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

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

    private final SearchSettings settings;
    private final UsersReplay replay;

    SearchHeadsBuilder(SearchSettings settings, UsersReplay replay) {
        this.settings = settings;
        this.replay = replay;
    }

    /**
     * Builds the heads if they are not built and the users processor runs here with every
     * segment it holds past its replay (correct at any time: heads built hold what they must;
     * waiting only keeps the replay cheap); true if it did. Built, the database's function
     * returns at once without a lock.
     */
    public boolean buildIfMissing() {
        return replay.done() && replay.runLong("search_heads_build_if_missing", "Search heads built from the users view");
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
