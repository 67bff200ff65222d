package io.portalusers.platform.web.idempotency;

import io.portalusers.api.UserId;
import io.portalusers.platform.privacy.DerivedKeys;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The first answers to POSTs that carried an Idempotency-Key, per caller, kept for
 * {@code portal.idempotency.retention} from the first request. All but
 * {@link #purgeExpired} run inside the transaction of the request they serve. An answer is kept
 * sealed (a key derived from the master key, bound to its caller and key): it may hold what
 * was shown only once, such as a webhook's signing secret, or a person's data; answers kept in
 * clear before are still read as they are.
 */
@Component
public class IdempotencyKeys {

    /** The lock of a (caller, key) pair; a key is visible ASCII without spaces, so the text is unambiguous. */
    private static final String LOCK_ID = "hashtextextended(? || ' ' || ?, 0)";

    private static final String SEALING = "portal-users idempotency answers v1";

    private final JdbcClient jdbc;
    private final Duration retention;
    private final DerivedKeys keys;

    IdempotencyKeys(JdbcClient jdbc, @Value("${portal.idempotency.retention}") Duration retention, DerivedKeys keys) {
        this.jdbc = jdbc;
        this.retention = retention;
        this.keys = keys;
    }

    /**
     * Holds the caller's key until the transaction ends, across nodes (one database); false at
     * once when another request holds it, so that a storm of retries does not hold a
     * connection each while it waits.
     */
    boolean tryLock(UserId caller, String key) {
        return jdbc.sql("select pg_try_advisory_xact_lock(" + LOCK_ID + ")")
                .params(caller.toString(), key)
                .query(Boolean.class).single();
    }

    /** The recorded answer, unless it has expired (purging runs only now and then). */
    Optional<RecordedResponse> find(UserId caller, String key, Instant now) {
        return jdbc.sql("""
                        select request_hash, status, location, etag, content_type, body
                        from idempotency_key
                        where caller_id = ? and idempotency_key = ? and created_at > ?""")
                .params(caller.value(), key, expiredAt(now))
                .query((rs, row) -> new RecordedResponse(rs.getBytes("request_hash"), rs.getInt("status"),
                        rs.getString("location"), rs.getString("etag"), rs.getString("content_type"),
                        open(caller, key, rs.getBytes("body"))))
                .optional();
    }

    /**
     * Records the answer, after waiting for the key's lock: a command that fails makes Axon
     * roll back the connection's transaction, and the lock with it, so a duplicate may hold
     * it by now. A live record of such a duplicate stays; an expired one that was not
     * purged yet is replaced.
     */
    void record(UserId caller, String key, RecordedResponse response, Instant now) {
        jdbc.sql("select pg_advisory_xact_lock(" + LOCK_ID + ")")
                .params(caller.toString(), key)
                .query().listOfRows();
        jdbc.sql("""
                        insert into idempotency_key
                            (caller_id, idempotency_key, request_hash, status, location, etag, content_type, body, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        on conflict (caller_id, idempotency_key) do update set
                            request_hash = excluded.request_hash, status = excluded.status,
                            location = excluded.location, etag = excluded.etag,
                            content_type = excluded.content_type, body = excluded.body,
                            created_at = excluded.created_at
                        where idempotency_key.created_at <= ?""")
                .params(caller.value(), key, response.requestHash(), response.status(), response.location(),
                        response.etag(), response.contentType(), seal(caller, key, response.body()), now.atOffset(ZoneOffset.UTC),
                        expiredAt(now))
                .update();
    }

    /** Deletes the records that have expired as of {@code now}; returns how many. */
    public int purgeExpired(Instant now) {
        return jdbc.sql("delete from idempotency_key where created_at <= ?").param(expiredAt(now)).update();
    }

    private byte[] seal(UserId caller, String key, byte[] body) {
        return keys.seal(SEALING, body, boundTo(caller, key));
    }

    private byte[] open(UserId caller, String key, byte[] stored) {
        return DerivedKeys.isSealed(stored) ? keys.open(SEALING, stored, boundTo(caller, key)) : stored;
    }

    private static byte[] boundTo(UserId caller, String key) {
        return ("idempotency_key:" + caller + " " + key).getBytes(StandardCharsets.UTF_8);
    }

    private OffsetDateTime expiredAt(Instant now) {
        return now.minus(retention).atOffset(ZoneOffset.UTC);
    }
}
