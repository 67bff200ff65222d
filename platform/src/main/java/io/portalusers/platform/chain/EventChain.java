package io.portalusers.platform.chain;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.DateTimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The event log's hash chain on a running node: seals settled events every
 * {@code portal.audit.chain.interval} ({@link EventSealer}; on every node, one at a time), and
 * tells how far it is. The health component {@code eventChain} shows the head and the lag and
 * is BEHIND when the oldest unsealed event is older than the settle time plus
 * {@code portal.audit.chain.lag-alert}; the gauges are {@code portal.audit.chain.head} (the
 * head's global index), {@code portal.audit.chain.unsealed} (events after the head) and
 * {@code portal.audit.chain.unsealed.age} (seconds since the oldest of them was stamped).
 * Status reads are one query over the unsealed tail; scrapes and probes within a second share one.
 */
@Component("eventChainHealthIndicator")
public class EventChain implements HealthIndicator {

    /** The head, and what is after it. {@code oldestUnsealed} is null when nothing is. */
    public record Status(long headIndex, String headHash, long sealed, Instant sealedAt, long unsealed,
                         Instant oldestUnsealed) {

        public Duration unsealedAge(Instant now) {
            return oldestUnsealed == null ? Duration.ZERO : Duration.between(oldestUnsealed, now);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(EventChain.class);
    private static final Duration FRESH = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final EventSealer sealer;
    private final Duration settle;
    private final Duration lagAlert;
    private final Clock clock = Clock.systemUTC();
    private volatile Status last;
    private volatile Instant readAt = Instant.EPOCH;

    EventChain(DataSource dataSource, MeterRegistry meters,
               @Value("${portal.audit.chain.settle}") Duration settle,
               @Value("${portal.audit.chain.batch}") int batch,
               @Value("${portal.audit.chain.log-stride}") long logStride,
               @Value("${portal.audit.chain.lag-alert}") Duration lagAlert,
               @Value("${portal.events.gap-timeout}") Duration gapTimeout) {
        this.dataSource = dataSource;
        this.settle = settle;
        this.lagAlert = lagAlert;
        this.sealer = new EventSealer(dataSource, settle, batch, logStride, clock);
        if (settle.compareTo(gapTimeout) < 0) {
            log.warn("portal.audit.chain.settle ({}) is below the gap timeout ({}): an append that commits late may be"
                    + " sealed out of its place and then reported as inserted", settle, gapTimeout);
        }
        Gauge.builder("portal.audit.chain.head", this, c -> c.gauge(s -> s.headIndex()))
                .description("Global index of the last event sealed into the event log's hash chain").register(meters);
        Gauge.builder("portal.audit.chain.unsealed", this, c -> c.gauge(s -> s.unsealed()))
                .description("Events after the hash chain's head, not sealed yet").baseUnit("events").register(meters);
        Gauge.builder("portal.audit.chain.unsealed.age", this,
                        c -> c.gauge(s -> s.unsealedAge(c.clock.instant()).toMillis() / 1000.0))
                .description("Age of the oldest event not sealed yet (0 when none)").baseUnit("seconds").register(meters);
    }

    /** Seals every settled event not sealed yet: what the periodic task runs; the number sealed. */
    public long sealSettled() {
        try {
            return sealer.sealSettled();
        } catch (SQLException e) {
            throw new IllegalStateException("sealing the event log failed: SQL state " + e.getSQLState(), e);
        }
    }

    /** The head and the lag as of now (or of less than a second ago). */
    public Status status() {
        Instant now = clock.instant();
        if (last == null || Duration.between(readAt, now).compareTo(FRESH) > 0) {
            last = read();
            readAt = now;
        }
        return last;
    }

    /** Verification on a connection of the pool; see {@link ChainVerifier#verify}. */
    public ChainVerifier.Report verify(long from, byte[] fromHash, Long checkIndex, byte[] checkHash) {
        try (Connection c = dataSource.getConnection()) {
            return new ChainVerifier().verify(c, from, fromHash, checkIndex, checkHash);
        } catch (SQLException e) {
            throw new IllegalStateException("verifying the event log failed: SQL state " + e.getSQLState(), e);
        }
    }

    @Override
    public Health health() {
        Status status;
        try {
            status = status();
        } catch (RuntimeException e) {
            // the database's own indicator says DOWN; this one does not know
            return Health.unknown().withDetail("error", e.getClass().getSimpleName()).build();
        }
        Duration age = status.unsealedAge(clock.instant());
        boolean behind = age.compareTo(settle.plus(lagAlert)) > 0;
        return Health.status(behind ? new org.springframework.boot.actuate.health.Status("BEHIND") : org.springframework.boot.actuate.health.Status.UP)
                .withDetail("headIndex", status.headIndex())
                .withDetail("headHash", status.headHash())
                .withDetail("sealed", status.sealed())
                .withDetail("unsealed", status.unsealed())
                .withDetail("oldestUnsealedAgeSeconds", age.toSeconds())
                .build();
    }

    private double gauge(java.util.function.ToDoubleFunction<Status> value) {
        try {
            return value.applyAsDouble(status());
        } catch (RuntimeException databaseDown) {
            return Double.NaN;
        }
    }

    private Status read() {
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement("""
                select h.global_index, h.hash, h.sealed, h.sealed_at,
                       (select count(*) from domainevententry e where e.globalindex > h.global_index),
                       (select e.timestamp from domainevententry e where e.globalindex > h.global_index
                        order by e.globalindex limit 1)
                from event_seal_head h""");
             ResultSet rs = read.executeQuery()) {
            rs.next();
            OffsetDateTime sealedAt = rs.getObject(4, OffsetDateTime.class);
            String oldest = rs.getString(6);
            return new Status(rs.getLong(1), ChainHash.hex(rs.getBytes(2)), rs.getLong(3),
                    sealedAt == null ? null : sealedAt.toInstant(), rs.getLong(5),
                    oldest == null ? null : DateTimeUtils.parseInstant(oldest));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the event log's seal head failed: SQL state " + e.getSQLState(), e);
        }
    }
}
