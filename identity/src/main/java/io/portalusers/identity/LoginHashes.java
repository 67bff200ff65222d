package io.portalusers.identity;

import org.springframework.jdbc.core.simple.JdbcClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What stands for a login that names no user, in the throttle and in the sign-in audit: a
 * keyed hash (HMAC-SHA256, 128 bits of it) of the login as typed, stripped and lower-cased.
 * Never the login itself: people type their password into the login field, and an unkeyed
 * hash of a short string is undone by trying candidates. The key is made once and kept in
 * {@code identity_login_key}, so every node hashes a login alike and the same unknown login
 * can be followed through the audit record.
 */
class LoginHashes {

    private final JdbcClient jdbc;
    private volatile byte[] key;

    LoginHashes(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    String of(String login) {
        String normalized = login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            byte[] digest = mac.doFinal(normalized.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] key() {
        byte[] known = key;
        if (known != null) {
            return known;
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        // the first node to get here makes the key; every other one reads that one
        jdbc.sql("insert into identity_login_key (id, key) values (1, ?) on conflict (id) do nothing").param(fresh).update();
        known = jdbc.sql("select key from identity_login_key where id = 1").query(byte[].class).single();
        key = known;
        return known;
    }
}
