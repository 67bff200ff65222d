package io.portalusers.query.webhooks;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The subscriptions ({@code webhook_subscription}) and their attempts ({@code webhook_delivery}).
 * Times are the database's ({@code now()}), so that the leases of nodes whose clocks differ agree.
 * A node changes a subscription's delivery state only while it holds the lease: a node that lost
 * it (paused long enough for it to run out) changes nothing, and the one that took it over
 * delivers from the position last acknowledged.
 */
@Component
class WebhookSubscriptions {

    private static final String COLUMNS = """
            id, url, event_types, organization_id, secret, sealed_secret, description, created_by, created_at, position, state, paused_at,
            paused_reason, failures, failing_since, next_attempt_at, last_delivered_at""";

    private final JdbcClient jdbc;
    private final WebhookSecretCipher cipher;

    WebhookSubscriptions(JdbcClient jdbc, WebhookSecretCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    enum State { ACTIVE, PAUSED }

    record Subscription(UUID id, URI url, List<String> eventTypes, UUID organization, WebhookSecret secret, String description,
                        String createdBy, Instant createdAt, long position, State state, Instant pausedAt,
                        String pausedReason, int failures, Instant failingSince, Instant nextAttemptAt,
                        Instant lastDeliveredAt) {
    }

    record Attempt(long id, String eventId, long position, String eventType, Instant attemptedAt, int durationMs,
                   Integer statusCode, String error, boolean delivered) {
    }

    void create(UUID id, URI url, List<String> types, UUID organization, WebhookSecret secret, String description, String createdBy,
                long position) {
        jdbc.sql("""
                        insert into webhook_subscription (id, url, event_types, organization_id, sealed_secret, description, created_by,
                            created_at, position, state, next_attempt_at)
                        values (:id, :url, :types, :organization, :secret, :description, :createdBy, now(), :position, 'ACTIVE', now())""")
                .param("id", id).param("url", url.toString()).param("types", types.toArray(String[]::new))
                .param("organization", organization)
                .param("secret", cipher.seal(id, secret)).param("description", description).param("createdBy", createdBy)
                .param("position", position)
                .update();
    }

    List<Subscription> all() {
        return sealed(jdbc.sql("select " + COLUMNS + " from webhook_subscription order by created_at, id")
                .query((rs, n) -> row(rs)).list());
    }

    Optional<Subscription> find(UUID id) {
        return sealed(jdbc.sql("select " + COLUMNS + " from webhook_subscription where id = ?").param(id)
                .query((rs, n) -> row(rs)).list()).stream().findFirst();
    }

    /**
     * Seals the secrets still kept in clear (written before they were sealed, or by a node of
     * that version since) and clears them; how many. Each row only while it still holds the
     * same clear secret, so that two nodes doing it at once seal each secret once and a row
     * never loses its secret.
     */
    int sealClearSecrets() {
        int sealed = 0;
        for (Row row : jdbc.sql("select " + COLUMNS + " from webhook_subscription where secret is not null")
                .query((rs, n) -> row(rs)).list()) {
            sealed += seal(row.subscription().id(), row.clear());
        }
        return sealed;
    }

    private int seal(UUID id, String clear) {
        return jdbc.sql("update webhook_subscription set sealed_secret = ?, secret = null where id = ? and secret = ?")
                .params(cipher.seal(id, WebhookSecret.parse(clear, "secret")), id, clear).update();
    }

    /** The subscriptions, those read with a clear secret sealed now. */
    private List<Subscription> sealed(List<Row> rows) {
        for (Row row : rows) {
            if (row.clear() != null) {
                seal(row.subscription().id(), row.clear());
            }
        }
        return rows.stream().map(Row::subscription).toList();
    }

    boolean delete(UUID id) {
        return jdbc.sql("delete from webhook_subscription where id = ?").param(id).update() == 1;
    }

    /** Delivers again from where it stopped, at once; false when there is no such subscription. */
    boolean resume(UUID id) {
        return jdbc.sql("""
                        update webhook_subscription set state = 'ACTIVE', paused_at = null, paused_reason = null,
                            failures = 0, failing_since = null, next_attempt_at = now()
                        where id = ?""").param(id).update() == 1;
    }

    /** Subscriptions due for delivery now that no node holds. */
    List<UUID> due() {
        return jdbc.sql("""
                        select id from webhook_subscription
                        where state = 'ACTIVE' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
                        order by next_attempt_at""")
                .query(UUID.class).list();
    }

    /** The subscription, leased to {@code node} for {@code lease}, unless another node holds it. */
    Optional<Subscription> claim(UUID id, String node, Duration lease) {
        return jdbc.sql("""
                        update webhook_subscription set leased_by = :node, lease_until = now() + :lease * interval '1 millisecond'
                        where id = :id and state = 'ACTIVE' and next_attempt_at <= now()
                          and (lease_until is null or lease_until < now() or leased_by = :node)
                        returning""" + " " + COLUMNS)
                .param("id", id).param("node", node).param("lease", lease.toMillis())
                .query((rs, n) -> row(rs)).optional().map(row -> sealed(List.of(row)).get(0));
    }

    /** Done with everything up to {@code position}, and holds the lease for {@code lease} more; false if it lost it. */
    boolean advance(UUID id, String node, long position, boolean delivered, Duration lease) {
        return jdbc.sql("""
                        update webhook_subscription set position = greatest(position, :position), failures = 0,
                            failing_since = null, lease_until = now() + :lease * interval '1 millisecond',
                            last_delivered_at = case when :delivered then now() else last_delivered_at end
                        where id = :id and leased_by = :node and state = 'ACTIVE'""")
                .param("id", id).param("node", node).param("position", position).param("delivered", delivered)
                .param("lease", lease.toMillis())
                .update() == 1;
    }

    /**
     * A delivery failed: the next attempt waits {@code backOff}; paused, with its reason, once it
     * has failed {@code pauseAfterFailures} times in a row or for {@code pauseAfter}.
     */
    /** Whether this failure paused it. */
    boolean failed(UUID id, String node, Duration backOff, int pauseAfterFailures, Duration pauseAfter, String reason) {
        return jdbc.sql("""
                        update webhook_subscription set failures = failures + 1,
                            failing_since = coalesce(failing_since, now()),
                            next_attempt_at = now() + :backOff * interval '1 millisecond',
                            state = case when failures + 1 >= :maxFailures
                                           or coalesce(failing_since, now()) <= now() - :pauseAfter * interval '1 millisecond'
                                         then 'PAUSED' else 'ACTIVE' end,
                            paused_at = case when failures + 1 >= :maxFailures
                                           or coalesce(failing_since, now()) <= now() - :pauseAfter * interval '1 millisecond'
                                         then now() end,
                            paused_reason = case when failures + 1 >= :maxFailures
                                           or coalesce(failing_since, now()) <= now() - :pauseAfter * interval '1 millisecond'
                                         then :reason end
                        where id = :id and leased_by = :node and state = 'ACTIVE'
                        returning state""")
                .param("id", id).param("node", node).param("backOff", backOff.toMillis())
                .param("maxFailures", pauseAfterFailures).param("pauseAfter", pauseAfter.toMillis())
                .param("reason", reason)
                .query(String.class).optional().map("PAUSED"::equals).orElse(false);
    }

    void release(UUID id, String node) {
        jdbc.sql("update webhook_subscription set leased_by = null, lease_until = null where id = ? and leased_by = ?")
                .params(id, node).update();
    }

    void record(UUID subscription, String eventId, long position, String eventType, int durationMs,
                Integer statusCode, String error, boolean delivered) {
        jdbc.sql("""
                        insert into webhook_delivery (subscription_id, event_id, position, event_type, attempted_at,
                            duration_ms, status_code, error, delivered)
                        values (?, ?, ?, ?, now(), ?, ?, ?, ?)""")
                .params(subscription, eventId, position, eventType, durationMs, statusCode, error, delivered)
                .update();
    }

    /** The subscription's attempts, newest first, before {@code before} (an attempt's id) when given. */
    List<Attempt> attempts(UUID subscription, Long before, int limit, Boolean failedOnly) {
        return jdbc.sql("""
                        select id, event_id, position, event_type, attempted_at, duration_ms, status_code, error, delivered
                        from webhook_delivery
                        where subscription_id = :subscription and (cast(:before as bigint) is null or id < :before)
                          and (not :failedOnly or not delivered)
                        order by id desc limit :limit""")
                .param("subscription", subscription).param("before", before).param("limit", limit)
                .param("failedOnly", Boolean.TRUE.equals(failedOnly))
                .query((rs, n) -> new Attempt(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        instant(rs, 5), rs.getInt(6), (Integer) rs.getObject(7), rs.getString(8), rs.getBoolean(9)))
                .list();
    }

    int forgetAttemptsBefore(Duration keep) {
        return jdbc.sql("delete from webhook_delivery where attempted_at < now() - ? * interval '1 millisecond'")
                .param(keep.toMillis()).update();
    }

    /** A subscription as read, and its secret when it is still kept in clear. */
    private record Row(Subscription subscription, String clear) {
    }

    private Row row(ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        String clear = rs.getString("secret");
        byte[] sealed = rs.getBytes("sealed_secret");
        WebhookSecret secret = clear != null ? WebhookSecret.parse(clear, "secret") : cipher.open(id, sealed);
        return new Row(subscription(rs, id, secret), clear);
    }

    private static Subscription subscription(ResultSet rs, UUID id, WebhookSecret secret) throws SQLException {
        Array types = rs.getArray("event_types");
        return new Subscription(id, URI.create(rs.getString("url")),
                Arrays.asList((String[]) types.getArray()), rs.getObject("organization_id", UUID.class),
                secret,
                rs.getString("description"), rs.getString("created_by"), instant(rs, "created_at"),
                rs.getLong("position"), State.valueOf(rs.getString("state")), instant(rs, "paused_at"),
                rs.getString("paused_reason"), rs.getInt("failures"), instant(rs, "failing_since"),
                instant(rs, "next_attempt_at"), instant(rs, "last_delivered_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
