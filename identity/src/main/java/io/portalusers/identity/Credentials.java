package io.portalusers.identity;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Passwords after the first: account setup (command side) has an account's first
 * password stored in {@code credential} ({@link FirstPasswords}); a reset or a change replaces it here, as an Argon2id hash
 * with the parameters sign-in checks it with ({@link IdentityConfiguration#PASSWORDS}). The
 * row's {@code updated_at} is when the password last changed, which ends every sign-in
 * session older than it ({@link SignInSessions}).
 */
@Component
@OnSignIn
class Credentials {

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder = IdentityConfiguration.PASSWORDS;

    Credentials(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's password hash, its row locked until the transaction ends: one change at a time. */
    Optional<String> lockedHash(UUID userId) {
        return jdbc.sql("select password_hash from credential where user_id = ? for update")
                .param(userId).query(String.class).optional();
    }

    boolean matches(String password, String hash) {
        return password != null && hash != null && encoder.matches(password, hash);
    }

    /** Replaces the user's password; the account has one (only such accounts reset or change it). */
    void replace(UUID userId, String password, Instant now) {
        int updated = jdbc.sql("update credential set password_hash = ?, updated_at = ? where user_id = ?")
                .params(encoder.encode(password), now.atOffset(ZoneOffset.UTC), userId)
                .update();
        if (updated != 1) {
            throw new IllegalStateException("an account that may sign in has no credential row");
        }
    }
}
