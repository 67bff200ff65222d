package io.portalusers.query.projections;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the processors have parked in their dead-letter queues, as a health component
 * ({@code deadLetters}: sequences and letters per processor) and as the gauge
 * {@code portal.projection.dead_letters} (tags {@code processor}, and {@code unit}
 * {@code sequences} or {@code letters}).
 *
 * <p>Anything parked is status {@value ReconciliationMonitor#BEHIND}, not DOWN: the parked
 * aggregates' rows are behind the event log, every other row is current and the service
 * still answers, so it must not take the node out of a load balancer (the readiness group
 * does not include it). Counting is one grouped query over a small table; scrapes and probes
 * within a second share one.
 */
@Component("deadLettersHealthIndicator")
class DeadLetterMonitor implements HealthIndicator {

    private static final Duration FRESH = Duration.ofSeconds(1);

    private final DeadLetters deadLetters;
    private volatile Map<String, DeadLetters.Count> last = Map.of();
    private volatile Instant countedAt = Instant.EPOCH;

    DeadLetterMonitor(DeadLetters deadLetters, MeterRegistry meters) {
        this.deadLetters = deadLetters;
        for (String processor : deadLetters.processors()) {
            Gauge.builder("portal.projection.dead_letters", this, m -> m.count(processor, true))
                    .description("Sequences (aggregates) and events a processor has parked in its dead-letter queue")
                    .tag("processor", processor).tag("unit", "sequences")
                    .register(meters);
            Gauge.builder("portal.projection.dead_letters", this, m -> m.count(processor, false))
                    .description("Sequences (aggregates) and events a processor has parked in its dead-letter queue")
                    .tag("processor", processor).tag("unit", "letters")
                    .register(meters);
        }
    }

    private double count(String processor, boolean sequences) {
        try {
            DeadLetters.Count count = counts().get(processor);
            return count == null ? Double.NaN : sequences ? count.sequences() : count.letters();
        } catch (RuntimeException databaseDown) {
            return Double.NaN;
        }
    }

    private Map<String, DeadLetters.Count> counts() {
        Instant now = Instant.now();
        if (Duration.between(countedAt, now).compareTo(FRESH) > 0) {
            last = deadLetters.counts();
            countedAt = now;
        }
        return last;
    }

    @Override
    public Health health() {
        Map<String, DeadLetters.Count> counts;
        try {
            counts = counts();
        } catch (RuntimeException e) {
            // the database's own indicator says DOWN; this one does not know
            return Health.unknown().withDetail("error", e.getClass().getSimpleName()).build();
        }
        boolean parked = counts.values().stream().anyMatch(count -> count.letters() > 0);
        Health.Builder health = Health.status(parked ? new Status(ReconciliationMonitor.BEHIND) : Status.UP);
        counts.forEach((processor, count) -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("sequences", count.sequences());
            detail.put("letters", count.letters());
            health.withDetail(processor, detail);
        });
        return health.build();
    }
}
