package io.portalusers.query.projections;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.platform.StartupRequirement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reconciliation check (events a projection skipped because their append outlasted the
 * gap timeout) as a health indicator ({@code reconciliation})
 * and as gauges: {@code portal.projection.behind} (aggregates whose view row is behind the
 * settled event log) and {@code portal.projection.lag} (events between the head of the log and
 * the processor's lowest segment position), both tagged with the processor's name.
 *
 * <p>The check reads the whole log, so it runs on a schedule ({@code portal.reconciliation.interval})
 * and scrapes and health probes read its last result. A processor that is replaying is not
 * checked: its rows are behind by design until the replay ends.
 *
 * <p>Rows behind the log are status {@value #BEHIND}, not DOWN: the service still answers and
 * accepts commands, and a rebuild repairs the view, so it must not take the node out of a load
 * balancer (the readiness group does not include it); the overall status shows it, with HTTP 200.
 *
 * <p>With {@code portal.reconciliation.repair} (on by default) a round also refolds the
 * aggregates it found behind ({@link ProjectionRepair}, at most {@code repair-limit} a round):
 * the round's result (health, {@code portal.projection.behind}) still shows what it found, the
 * next round shows what is left, and the counter {@code portal.projection.repaired} counts
 * every aggregate refolded.
 */
@Component("reconciliationHealthIndicator")
public class ReconciliationMonitor implements HealthIndicator {

    public static final String BEHIND = "BEHIND";

    private final Reconciliation reconciliation;
    private final Projections projections;
    private final Duration settle;
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final ProjectionRepair repair;
    private final boolean repairing;
    private final int repairLimit;

    /** The last check of one projection: {@code behind} is -1 before its first check and for views without versions. */
    public record Result(String projection, long behind, long repaired, long lag, boolean replaying, Instant checkedAt) {
    }

    ReconciliationMonitor(Reconciliation reconciliation, Projections projections, MeterRegistry meters,
                          ProjectionRepair repair,
                          @Value("${portal.reconciliation.settle}") Duration settle,
                          @Value("${portal.events.gap-timeout}") Duration gapTimeout,
                          @Value("${portal.reconciliation.repair}") boolean repairing,
                          @Value("${portal.reconciliation.repair-limit}") int repairLimit) {
        if (settle.compareTo(gapTimeout) <= 0) {
            throw new StartupRequirement("portal.reconciliation.settle is " + settle + ", not longer than"
                    + " portal.events.gap-timeout (" + gapTimeout + "): rows still waiting for an open append"
                    + " would be reported (and refolded) as behind.",
                    "Set portal.reconciliation.settle longer than portal.events.gap-timeout (defaults: 90s and 60s).");
        }
        this.reconciliation = reconciliation;
        this.repair = repair;
        this.repairing = repairing;
        this.repairLimit = repairLimit;
        this.projections = projections;
        this.meters = meters;
        this.settle = settle;
    }

    /** Checks every reconciled projection now against the configured settle time. */
    public Map<String, Result> refresh() {
        return refresh(settle);
    }

    /** Checks now, counting events as settled once older than {@code settledFor}; the results, by projection. */
    public synchronized Map<String, Result> refresh(Duration settledFor) {
        List<String> names = projections.names();
        for (String name : names) {
            Optional<Projections.Status> status = projections.status(name);
            long lag = status.map(Projections.Status::lag).orElse(0L);
            // a rebuild aside is checked once swapped in: until then readers see the rows as they were
            boolean replaying = status.map(s -> s.replaying() || s.swapPending()).orElse(false);
            Instant settledBefore = Instant.now().minus(settledFor);
            Optional<List<String>> lagging = replaying ? Optional.empty() : reconciliation.lagging(name, settledBefore);
            long behind = replaying ? previousBehind(name) : lagging.map(found -> (long) found.size()).orElse(-1L);
            register(name);
            long repaired = 0;
            if (repairing && behind > 0 && lagging.isPresent()) {
                repaired = repair.refold(name, lagging.get().subList(0, Math.min(repairLimit, lagging.get().size())));
                meters.counter("portal.projection.repaired", "processor", name).increment(repaired);
            }
            results.put(name, new Result(name, behind, repaired, lag, replaying, Instant.now()));
        }
        return Map.copyOf(results);
    }

    private long previousBehind(String name) {
        Result previous = results.get(name);
        return previous == null ? -1 : previous.behind();
    }

    private void register(String name) {
        if (results.containsKey(name)) {
            return;
        }
        if (Reconciliation.reconciles(name)) {
            Gauge.builder("portal.projection.behind", results, r -> Optional.ofNullable(r.get(name))
                            .filter(result -> result.behind() >= 0).map(result -> (double) result.behind()).orElse(Double.NaN))
                    .description("Aggregates whose view row is behind the settled event log (reconciliation check)")
                    .tag("processor", name)
                    .register(meters);
        }
        Gauge.builder("portal.projection.lag", results, r -> Optional.ofNullable(r.get(name))
                            .map(result -> (double) result.lag()).orElse(Double.NaN))
                    .description("Events between the head of the event log and the processor's lowest position")
                    .tag("processor", name)
                    .baseUnit("events")
                    .register(meters);
    }

    @Override
    public Health health() {
        Map<String, Result> checked = Map.copyOf(results);
        if (checked.isEmpty()) {
            return Health.unknown().withDetail("reason", "not checked yet").build();
        }
        boolean behind = checked.values().stream().anyMatch(result -> result.behind() > 0);
        Health.Builder health = Health.status(behind ? new Status(BEHIND) : Status.UP)
                .withDetail("settle", settle.toString());
        checked.values().stream().sorted(Comparator.comparing(Result::projection)).forEach(result -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            if (result.behind() >= 0) {
                detail.put("behind", result.behind());
                detail.put("repaired", result.repaired());
            }
            detail.put("lag", result.lag());
            detail.put("replaying", result.replaying());
            detail.put("checkedAt", result.checkedAt().toString());
            health.withDetail(result.projection(), detail);
        });
        return health.build();
    }

    /**
     * The check every {@code portal.reconciliation.interval}, the first soon after start (once
     * the processors have claimed their segments).
     */
    @Bean
    static PeriodicTask reconciliationRounds(ReconciliationMonitor monitor,
                                             @Value("${portal.reconciliation.interval}") Duration interval) {
        Duration first = interval.compareTo(Duration.ofSeconds(10)) < 0 ? interval : Duration.ofSeconds(10);
        return new PeriodicTask("reconciliation", first, interval, monitor::refresh);
    }
}
