package io.portalusers.identity;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Passwords after the first: account setup (command side) stores an account's first
 * password in {@code credential}; a reset replaces it here, as an Argon2id hash
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
