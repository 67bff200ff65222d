package io.portalusers.query.projections;

import org.axonframework.common.DateTimeUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An append that stays open longer than Axon's gap timeout (60 s by default) leaves a gap the
 * processors stop waiting for, and its event is never projected, silently. This compares
 * each aggregate's last sequence number in the event log with the version its view row
 * carries, for aggregates whose last event has settled (is older than the gap timeout): a
 * view row behind the log, or missing, is an event the projection did not see. It reads the
 * whole log: {@link ReconciliationMonitor} runs it on a schedule for health and metrics, and
 * hands what it finds to {@link ProjectionRepair}.
 *
 * <p>What it cannot see: a skipped event followed later by another event of the same aggregate
 * (the row then carries the later version). The database's bound on appends
 * ({@code portal.events.append-bound}) is what keeps the service's own appends from being skipped.
 */
@Component
class Reconciliation {

    /** The read models that keep the aggregate's version, and how to find their rows. */
    private static final Map<String, View> VIEWS = Map.of(
            "users", new View("User", "user_view", "user_id"),
            "organizations", new View("Organization", "organization_view", "organization_id"));
    private static final int SAMPLE = 20;

    private final JdbcClient jdbc;

    Reconciliation(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private record View(String aggregateType, String table, String idColumn) {
    }

    record Lag(String projection, Instant settledBefore, long behind, List<String> sample) {
    }

    /** Whether the check knows how to read this projection's rows. */
    static boolean reconciles(String projection) {
        return VIEWS.containsKey(projection);
    }

    Optional<Lag> check(String projection, Duration settle) {
        Instant settledBefore = Instant.now().minus(settle);
        return lagging(projection, settledBefore).map(behind -> new Lag(projection, settledBefore, behind.size(),
                behind.subList(0, Math.min(SAMPLE, behind.size()))));
    }

    /** The aggregates whose view row is behind their last event stamped before {@code settledBefore}, in id order. */
    Optional<List<String>> lagging(String projection, Instant settledBefore) {
        View view = VIEWS.get(projection);
        if (view == null) {
            return Optional.empty();
        }
        // the log keeps event times as text in Axon's fixed-width format, which sorts as time
        String lagging = """
                select e.aggregateidentifier from (
                    select aggregateidentifier, max(sequencenumber) as last, max(timestamp) as at
                    from domainevententry where type = :type group by aggregateidentifier) e
                left join %s v on v.%s::text = e.aggregateidentifier
                where e.at < :settled and (v.%s is null or v.version < e.last)""".formatted(
                view.table(), view.idColumn(), view.idColumn());
        return Optional.of(jdbc.sql(lagging + " order by e.aggregateidentifier")
                .param("type", view.aggregateType())
                .param("settled", DateTimeUtils.formatInstant(settledBefore))
                .query(String.class)
                .list());
    }
}
