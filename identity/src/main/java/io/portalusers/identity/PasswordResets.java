package io.portalusers.identity;

import io.portalusers.platform.security.LinkToken;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.platform.mail.PasswordResetMailer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Password reset links (R-AUTH-4, with the rules of activation links R-ACT-2..4): a link is
 * good for one reset, until its deadline, and only while it is its user's latest. A newer
 * link, a completed reset, a password change, a disable and an email change void every
 * earlier link: its row is deleted, and its email withdrawn if it is not sent yet. Voiding
 * on a disable or an email change happens in the transaction that appends the event (this
 * handler runs in the subscribing processor of {@link SessionTermination}), so no link
 * outlives the change by a moment. Expiry is a check on use.
 */
@Component
@OnSignIn
@ProcessingGroup(SessionTermination.GROUP)
class PasswordResets {

    /** A link that works now: whose password it resets, and until when. */
    record Valid(UUID userId, Instant expiresAt) {
    }

    /** The advisory locks' class (their first key): one user's reset links. */
    private static final int LOCKS = 0x7e5e7;

    private final JdbcClient jdbc;
    private final PasswordResetMailer mailer;

    PasswordResets(JdbcClient jdbc, PasswordResetMailer mailer) {
        this.jdbc = jdbc;
        this.mailer = mailer;
    }

    /**
     * Serializes, for one user, asking for a link with voiding its links, until the
     * transaction ends. A request that read the account before a disable or an email change
     * committed would otherwise store a link the change never saw (and mail it to the address
     * just left): a request takes this lock before it reads the account it stores a link for,
     * and the voiding handlers take it in the changing command's transaction. Nothing else
     * takes it (a completed reset or a change voids without it), so no two locks wait in a circle.
     */
    void lock(UUID user) {
        jdbc.sql("select pg_advisory_xact_lock(?, ?)").params(LOCKS, user.hashCode()).query(Object.class).single();
    }

    /**
     * Stores a new link for {@code user} when {@code store}, voiding the user's earlier links
     * and their unsent emails, and deleting links that expired. Runs the same statements
     * whether it stores one or not (R-AUTH-4: the request's time must not tell).
     */
    void issue(UUID user, boolean store, LinkToken token, UUID resetId, Instant expiresAt, Instant now) {
        jdbc.sql("delete from password_reset where user_id = ?").param(user).update();
        // expired links of anyone, a few at a time; rows another transaction holds are left for later, never waited for
        jdbc.sql("""
                        delete from password_reset where token_hash in (
                            select token_hash from password_reset where expires_at <= ? limit 100 for update skip locked)""")
                .param(utc(now)).update();
        mailer.withdraw(user);
        jdbc.sql("""
                        insert into password_reset (token_hash, reset_id, user_id, expires_at)
                        select ?, ?::uuid, ?::uuid, ?::timestamptz where ?""")
                .params(token.hash(), resetId, user, utc(expiresAt), store)
                .update();
    }

    /** The link a token opens as of {@code now}, without using it (following a link consumes nothing). */
    Optional<Valid> find(LinkToken token, Instant now) {
        return jdbc.sql("select user_id, expires_at from password_reset where token_hash = ? and expires_at > ?")
                .params(token.hash(), utc(now))
                .query((rs, row) -> new Valid(rs.getObject("user_id", UUID.class),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .optional();
    }

    /**
     * Uses the link: deletes it and answers its user, if it still worked. The row is locked
     * until the transaction ends, so of concurrent uses exactly one finds it; should that one
     * roll back (a refused password), the link works again.
     */
    Optional<UUID> consume(LinkToken token, Instant now) {
        return jdbc.sql("delete from password_reset where token_hash = ? and expires_at > ? returning user_id")
                .params(token.hash(), utc(now))
                .query(UUID.class)
                .optional();
    }

    /** Voids every link of the user and withdraws their unsent emails. */
    void voidAll(UUID user) {
        jdbc.sql("delete from password_reset where user_id = ?").param(user).update();
        mailer.withdraw(user);
    }

    /** A disabled user cannot reset its password: its links stop working with the disable. */
    @EventHandler
    void on(UserDisabled event) {
        lock(event.userId().value());
        voidAll(event.userId().value());
    }

    /** A link sent to an address the account no longer has would hand the account to that address. */
    @EventHandler
    void on(UserEmailChanged event) {
        lock(event.userId().value());
        voidAll(event.userId().value());
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
