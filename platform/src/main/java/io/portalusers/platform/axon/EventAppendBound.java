package io.portalusers.platform.axon;

import io.portalusers.platform.StartupRequirement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long an append may take, against Axon's gap timeout. A streaming processor waits for a
 * global index that is not visible yet (an append still open) only until the events after it
 * are older than {@code portal.events.gap-timeout}; an append committed later is skipped by it
 * for good. The database refuses, at COMMIT, every transaction that appended events and has
 * been open longer than {@code portal.events.append-bound} (the constraint trigger of
 * {@code db/platform/V2}); this writes the bound there at start-up.
 *
 * <p>Why below half the gap timeout: an append's transaction started before its index was
 * taken, and the next index's events were stamped after their own transaction started. With
 * every append committing within the bound of its transaction's start, an index commits
 * less than twice the bound after the events behind it were stamped, which the processor
 * waits for. The rest (a quarter of the default) covers clocks of nodes and database that differ.
 *
 * <p>The session caps of the pool ({@code statement_timeout}, {@code idle_in_transaction_session_timeout},
 * as the database reports them for a pooled connection) must be below the gap timeout too,
 * when set: they end runaway statements and forgotten transactions before the bound's
 * COMMIT check would.
 */
@Component
class EventAppendBound implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(EventAppendBound.class);

    private final JdbcClient jdbc;
    private final Duration gapTimeout;
    private final Duration appendBound;

    EventAppendBound(JdbcClient jdbc, @Value("${portal.events.gap-timeout}") Duration gapTimeout,
                     @Value("${portal.events.append-bound}") Duration appendBound) {
        this.jdbc = jdbc;
        this.gapTimeout = gapTimeout;
        this.appendBound = appendBound;
        check(gapTimeout, appendBound);
    }

    /** Refuses a bound that would let an append commit after a processor gave up waiting for it. */
    static void check(Duration gapTimeout, Duration appendBound) {
        if (gapTimeout.isNegative() || gapTimeout.isZero() || gapTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new StartupRequirement("portal.events.gap-timeout is " + gapTimeout + ".",
                    "Set portal.events.gap-timeout to a positive duration (Axon's default is 60s).");
        }
        if (appendBound.isNegative() || appendBound.isZero() || appendBound.multipliedBy(2).compareTo(gapTimeout) >= 0) {
            throw new StartupRequirement("portal.events.append-bound is " + appendBound
                    + ", not below half of portal.events.gap-timeout (" + gapTimeout + "): an append could commit"
                    + " after the streaming processors stopped waiting for it, and its event would never be projected.",
                    "Set portal.events.append-bound below half of portal.events.gap-timeout (defaults: 25s and 60s).");
        }
    }

    @Override
    public void afterPropertiesSet() {
        Map<String, Long> caps = new TreeMap<>();
        jdbc.sql("""
                        select name, setting::bigint from pg_settings
                        where name in ('statement_timeout', 'idle_in_transaction_session_timeout')""")
                .query((rs, n) -> caps.put(rs.getString(1), rs.getLong(2)))
                .list();
        caps.forEach((name, millis) -> {
            if (millis > 0 && millis >= gapTimeout.toMillis()) {
                throw new StartupRequirement("The database sessions' " + name + " is " + millis
                        + " ms, not below portal.events.gap-timeout (" + gapTimeout + ").",
                        "Set " + name + " below the gap timeout in spring.datasource.hikari.data-source-properties.options.");
            }
        });
        jdbc.sql("""
                        insert into event_append_bound (id, max_open_ms) values (true, :bound)
                        on conflict (id) do update set max_open_ms = excluded.max_open_ms
                        where event_append_bound.max_open_ms <> excluded.max_open_ms""")
                .param("bound", Math.toIntExact(appendBound.toMillis()))
                .update();
        log.info("Appends are refused at COMMIT after {} in their transaction (gap timeout {}; session caps {})",
                appendBound, gapTimeout, caps);
    }
}
