package io.portalusers.identity;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * R-AUTH-3: failed password sign-ins are slowed per account, per (account, client) pair and
 * per client across accounts, so that guessing does not pay and nobody can lock another user
 * out for good. Exponential delays rather than a lockout: after a level's free failures, each
 * further failure there blocks the next attempts for a delay that doubles with each failure,
 * up to that level's cap. A blocked attempt is refused without checking the password (no
 * Argon2 work for the attacker to spend) and does not count, so a block always ends.
 *
 * <ul>
 *   <li>PAIR (account, client): what one client may guess at one account; the real user's own
 *       typos meet only this one.</li>
 *   <li>ACCOUNT: what all clients together may guess at one account (many addresses).</li>
 *   <li>CLIENT: what one client may guess across accounts (credential stuffing).</li>
 * </ul>
 *
 * A client from which the account signed in within {@code known-client-for} is judged by its
 * PAIR only: attackers elsewhere cannot keep the user out of its usual client at all, and from
 * a new client they can delay it by the ACCOUNT cap at most. A success clears the PAIR.
 *
 * <p>Once a level is past its free failures, an admitted attempt is counted as failed before
 * the password is checked (and given back if it succeeds): so that parallel requests cannot
 * all slip through one opening. The rows of an attempt are locked in one order (kind,
 * subject, client) by every transaction here, so concurrent attempts do not deadlock. The
 * state is in PostgreSQL, so it holds across nodes and restarts; {@link #purge} drops what
 * no longer matters.
 */
class SignInThrottle {

    enum Level { ACCOUNT, CLIENT, PAIR } // alphabetical: the order rows are locked in

    /** The outcome of asking to check a password: admitted (with what it reserved) or refused by a level. */
    record Admission(String subject, String client, Level refusedBy, Set<Level> reserved) {

        boolean throttled() {
            return refusedBy != null;
        }
    }

    private record Row(Level level, int failures, Instant lastFailureAt, Instant blockedUntil, Instant lastSuccessAt) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final IdentityProperties.Throttle settings;
    private final Clock clock;

    SignInThrottle(JdbcClient jdbc, TransactionTemplate transactions, IdentityProperties.Throttle settings, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether an attempt of {@code subject} from {@code client} may have its password checked now. */
    Admission admit(String subject, String client) {
        return transactions.execute(status -> {
            Instant now = clock.instant();
            Map<Level, Row> rows = lock(subject, client);
            Row pair = rows.get(Level.PAIR);
            boolean known = pair != null && pair.lastSuccessAt() != null
                    && pair.lastSuccessAt().isAfter(now.minus(settings.knownClientFor()));
            Set<Level> judged = known ? EnumSet.of(Level.PAIR) : EnumSet.allOf(Level.class);
            for (Level level : judged) {
                Row row = rows.get(level);
                if (row != null && row.blockedUntil() != null && row.blockedUntil().isAfter(now)) {
                    return new Admission(subject, client, level, Set.of());
                }
            }
            // past the free failures, this attempt takes the opening: counted as failed until it succeeds
            Set<Level> reserved = EnumSet.noneOf(Level.class);
            for (Level level : judged) {
                Row row = rows.get(level);
                if (row != null && failures(row, now) >= free(level)) {
                    countFailure(level, subject, client, row, now);
                    reserved.add(level);
                }
            }
            return new Admission(subject, client, null, reserved);
        });
    }

    /** The password was wrong (or the account may not sign in): counted at every level not already counted. */
    void failed(Admission attempt) {
        transactions.executeWithoutResult(status -> {
            Instant now = clock.instant();
            for (Level level : Level.values()) {
                if (!attempt.reserved().contains(level)) {
                    jdbc.sql("""
                                    insert into sign_in_throttle (kind, subject, client) values (?, ?, ?)
                                    on conflict (kind, subject, client) do nothing""")
                            .params(level.name(), subject(level, attempt.subject()), client(level, attempt.client()))
                            .update();
                    Row row = lock(level, attempt.subject(), attempt.client());
                    countFailure(level, attempt.subject(), attempt.client(), row, now);
                }
            }
        });
    }

    /** The user signed in: its failures from this client are cleared and the client becomes known; a reservation is given back. */
    void succeeded(Admission attempt) {
        transactions.executeWithoutResult(status -> {
            for (Level level : attempt.reserved()) {
                if (level != Level.PAIR) {
                    jdbc.sql("""
                                    update sign_in_throttle set failures = greatest(failures - 1, 0)
                                    where kind = ? and subject = ? and client = ?""")
                            .params(level.name(), subject(level, attempt.subject()), client(level, attempt.client()))
                            .update();
                }
            }
            jdbc.sql("""
                            insert into sign_in_throttle (kind, subject, client, last_success_at) values ('PAIR', ?, ?, ?)
                            on conflict (kind, subject, client) do update
                            set failures = 0, last_failure_at = null, blocked_until = null,
                                last_success_at = excluded.last_success_at""")
                    .params(attempt.subject(), attempt.client(), utc(clock.instant()))
                    .update();
        });
    }

    /** Deletes rows that no longer slow anyone down or spare anyone: forgotten failures, ended blocks, old successes. */
    int purge() {
        Instant now = clock.instant();
        return jdbc.sql("""
                        delete from sign_in_throttle
                        where (last_failure_at is null or last_failure_at < ?)
                          and (blocked_until is null or blocked_until < ?)
                          and (last_success_at is null or last_success_at < ?)""")
                .params(utc(now.minus(settings.forgetAfter())), utc(now), utc(now.minus(settings.knownClientFor())))
                .update();
    }

    /** The delay after a level's {@code failures}-th consecutive failure: none within the free ones, then doubling to the cap. */
    Duration delay(Level level, int failures) {
        int past = failures - free(level);
        if (past < 0) {
            return Duration.ZERO;
        }
        Duration cap = switch (level) {
            case ACCOUNT -> settings.accountMaxDelay();
            case PAIR -> settings.pairMaxDelay();
            case CLIENT -> settings.clientMaxDelay();
        };
        Duration delay = settings.firstDelay().multipliedBy(1L << Math.min(past, 30));
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    private int free(Level level) {
        return switch (level) {
            case ACCOUNT -> settings.accountFreeFailures();
            case PAIR -> settings.pairFreeFailures();
            case CLIENT -> settings.clientFreeFailures();
        };
    }

    /** Failures still remembered: none once the last is older than forget-after. */
    private int failures(Row row, Instant now) {
        return row.lastFailureAt() == null || row.lastFailureAt().isBefore(now.minus(settings.forgetAfter()))
                ? 0 : row.failures();
    }

    private void countFailure(Level level, String subject, String client, Row row, Instant now) {
        int failures = failures(row, now) + 1;
        Instant blocked = row.blockedUntil();
        Duration delay = delay(level, failures);
        if (!delay.isZero() && (blocked == null || blocked.isBefore(now.plus(delay)))) {
            blocked = now.plus(delay);
        }
        jdbc.sql("""
                        update sign_in_throttle set failures = ?, last_failure_at = ?, blocked_until = ?
                        where kind = ? and subject = ? and client = ?""")
                .params(failures, utc(now), blocked == null ? null : utc(blocked), level.name(),
                        subject(level, subject), client(level, client))
                .update();
    }

    /** The attempt's rows that exist, locked in the one order. */
    private Map<Level, Row> lock(String subject, String client) {
        Map<Level, Row> rows = new EnumMap<>(Level.class);
        jdbc.sql("""
                        select * from sign_in_throttle
                        where (kind, subject, client) in (('ACCOUNT', ?, ''), ('CLIENT', '', ?), ('PAIR', ?, ?))
                        order by kind, subject, client for update""")
                .params(subject, client, subject, client)
                .query(SignInThrottle::row).list()
                .forEach(row -> rows.put(row.level(), row));
        return rows;
    }

    private Row lock(Level level, String subject, String client) {
        return jdbc.sql("select * from sign_in_throttle where kind = ? and subject = ? and client = ? for update")
                .params(level.name(), subject(level, subject), client(level, client))
                .query(SignInThrottle::row).single();
    }

    private static String subject(Level level, String subject) {
        return level == Level.CLIENT ? "" : subject;
    }

    private static String client(Level level, String client) {
        return level == Level.ACCOUNT ? "" : client;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(Level.valueOf(rs.getString("kind")), rs.getInt("failures"), instant(rs, "last_failure_at"),
                instant(rs, "blocked_until"), instant(rs, "last_success_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
