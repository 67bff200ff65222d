package io.portalusers.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The provider's signing keys, kept in {@code identity_signing_key} so that tokens outlive a
 * restart and every node signs with the same key. The newest key signs; when it is older than
 * the rotation period a new one is made (under a lock, once for all nodes). An older key stays
 * published, as a public key, until every token it can have signed has expired, then it is
 * deleted. Keys are read again at most every {@link #REFRESH}, so a rotation on one node
 * reaches the others within that time.
 */
class SigningKeys implements JWKSource<SecurityContext> {

    static final Duration REFRESH = Duration.ofMinutes(1);
    /** A transaction-level advisory lock key: one node rotates at a time. */
    private static final long ROTATION_LOCK = 0x1d3a7_5e71L;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Duration rotation;
    private final Duration tokenLifetime;
    private final Clock clock;
    private volatile Loaded loaded;

    private record Loaded(RSAKey current, JWKSet published, Instant at) {
    }

    SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, Duration rotation, Duration tokenLifetime, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.rotation = rotation;
        this.tokenLifetime = tokenLifetime;
        this.clock = clock;
    }

    /** The key that signs now. */
    RSAKey current() {
        return load().current();
    }

    /** Every key a valid token can have been signed with, public parts only: what the JWKS endpoint shows. */
    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        return selector.select(load().published());
    }

    /** Signs with the current key only: an encoder offered several keys could not choose. */
    JWKSource<SecurityContext> signing() {
        return (selector, context) -> selector.select(new JWKSet(current()));
    }

    private Loaded load() {
        Loaded now = loaded;
        if (now != null && now.at().plus(REFRESH).isAfter(clock.instant())) {
            return now;
        }
        synchronized (this) {
            if (loaded == null || !loaded.at().plus(REFRESH).isAfter(clock.instant())) {
                loaded = transactions.execute(status -> rotateAndRead());
            }
            return loaded;
        }
    }

    private Loaded rotateAndRead() {
        Instant now = clock.instant();
        jdbc.sql("select pg_advisory_xact_lock(?)").param(ROTATION_LOCK).query(Object.class).single();
        List<StoredKey> keys = read();
        if (keys.isEmpty() || keys.get(0).createdAt().plus(rotation).isBefore(now)) {
            RSAKey fresh = generate();
            jdbc.sql("insert into identity_signing_key (key_id, jwk, created_at) values (?, ?, ?)")
                    .params(fresh.getKeyID(), fresh.toJSONString(), now.atOffset(ZoneOffset.UTC)).update();
            keys = read();
        }
        // a key is done once its successor has signed for longer than any token lives
        List<JWK> published = new ArrayList<>();
        published.add(keys.get(0).key().toPublicJWK());
        for (int i = 1; i < keys.size(); i++) {
            if (keys.get(i - 1).createdAt().plus(tokenLifetime).isBefore(now)) {
                jdbc.sql("delete from identity_signing_key where key_id = ?").param(keys.get(i).key().getKeyID()).update();
            } else {
                published.add(keys.get(i).key().toPublicJWK());
            }
        }
        return new Loaded(keys.get(0).key(), new JWKSet(published), now);
    }

    private record StoredKey(RSAKey key, Instant createdAt) {
    }

    private List<StoredKey> read() {
        return jdbc.sql("select jwk, created_at from identity_signing_key order by created_at desc, key_id")
                .query((rs, row) -> new StoredKey(parse(rs.getString("jwk")),
                        rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant()))
                .list();
    }

    private static RSAKey parse(String json) {
        try {
            return RSAKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key cannot be read", e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
