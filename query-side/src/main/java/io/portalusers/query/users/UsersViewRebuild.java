package io.portalusers.query.users;

import io.portalusers.platform.PeriodicTask;
import io.portalusers.query.projections.RebuildAside;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Swaps a rebuilt users view in (db/query V10). A reset of the users processor replays the log
 * into tables aside the view while everything else reads the view as it was; once the processor
 * runs on this node with every segment and none of them replays, this builds the view's indexes
 * on those tables and swaps them in. The search heads are then built by {@link SearchHeadsBuilder}.
 */
@Component
public class UsersViewRebuild implements RebuildAside {

    private final JdbcClient jdbc;
    private final UsersReplay replay;
    private final HeldUserRows held;

    UsersViewRebuild(JdbcClient jdbc, UsersReplay replay, HeldUserRows held) {
        this.jdbc = jdbc;
        this.replay = replay;
        this.held = held;
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
     * Swaps the rebuilt view in if a rebuild is under way and its replay is done on this node,
     * which must hold every segment: a rebuild starts on a node that is the only one running (see
     * Projections), which claims every segment and keeps them while it runs. The rows the replay
     * still holds in memory are written first. True if it did.
     */
    public boolean finishIfDone() {
        // the processor's own state first: no query while it replays
        return replay.done() && underWay() && replay.holdsEverySegment() && held.writeAll()
                && replay.runLong("users_view_rebuild_finish", "Rebuilt users view indexed and swapped");
    }

    @Bean
    static PeriodicTask usersViewSwap(UsersViewRebuild rebuild) {
        return new PeriodicTask("users-view-swap", Duration.ofSeconds(1), Duration.ofSeconds(1), rebuild::finishIfDone);
    }
}
