package io.portalusers.identity;

import io.portalusers.api.UserId;
import io.portalusers.platform.password.AccountPasswords;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * An account's first password, set with its activation (account setup, on the command side):
 * stored in {@code credential} as an Argon2id hash with the parameters sign-in checks it with
 * ({@link IdentityConfiguration#PASSWORDS}); later ones replace it through {@link Credentials}.
 * Wherever the command side runs, with or without sign-in: an account activated while sign-in
 * is off has its password once sign-in is on.
 */
@Component
class FirstPasswords implements AccountPasswords {

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder = IdentityConfiguration.PASSWORDS;

    FirstPasswords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void setFirst(UserId userId, String password, Instant at) {
        jdbc.sql("""
                        insert into credential (user_id, password_hash, updated_at) values (?, ?, ?)
                        on conflict (user_id) do update set password_hash = excluded.password_hash,
                                                            updated_at = excluded.updated_at""")
                .params(userId.value(), encoder.encode(password), at.atOffset(ZoneOffset.UTC))
                .update();
    }
}
