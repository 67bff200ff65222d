package io.portalusers.platform.mail;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The hand-off of an invitation's link from the command side, which draws its token, to the
 * notifier, which emails it: the table {@code invitation_outbox}, owned here because both sides
 * write it and they may run in different processes that share only the database (as
 * {@code mail_link_token} carries a password reset's link from sign-in to the notifier).
 *
 * <p>Who does what. The command side draws an invitation's token in the transaction that
 * appends {@code InvitationIssued} (the event never holds it), keeps only its hash to look it
 * up by, and {@linkplain #hold holds} the raw token here for the email; it
 * {@linkplain #voidAll voids} the user's waiting tokens when an invitation ends before its email
 * went (a resend, an email change, a disable, a use). The notifier writes an invitation's email
 * only while its token {@linkplain #isWaiting waits}, reads the {@linkplain #token token} when
 * it sends, and {@linkplain #release releases} it in the transaction that records the email as
 * sent or failed for good: so an email goes once (a crash before that transaction sends it again
 * with the same Message-ID, a crash after it leaves nothing to send) and no token outlives its
 * email.
 *
 * <p>Every method runs in the caller's transaction.
 */
@Component
public class InvitationLinks {

    private final JdbcClient jdbc;

    InvitationLinks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps the invitation's raw token until its email is sent. */
    public void hold(UUID invitation, UUID user, String rawToken, Instant issuedAt) {
        jdbc.sql("insert into invitation_outbox (invitation_id, user_id, raw_token, created_at) values (?, ?, ?, ?)")
                .params(invitation, user, rawToken, issuedAt.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** The user's invitations ended before their emails went: nothing of theirs is to be sent. */
    public void voidAll(UUID user) {
        jdbc.sql("delete from invitation_outbox where user_id = ?").param(user).update();
    }

    /** Whether the invitation's token still waits for its email: not sent, used or replaced yet. */
    public boolean isWaiting(UUID invitation) {
        return jdbc.sql("select exists (select 1 from invitation_outbox where invitation_id = ?)")
                .param(invitation).query(Boolean.class).single();
    }

    /** The invitation's raw token while its email is not sent; empty once it was used, replaced or released. */
    public Optional<String> token(UUID invitation) {
        return jdbc.sql("select raw_token from invitation_outbox where invitation_id = ?")
                .param(invitation).query(String.class).optional();
    }

    /** The invitations' emails went (or failed for good): nobody needs their tokens any more. */
    public void release(Collection<UUID> invitations) {
        if (!invitations.isEmpty()) {
            jdbc.sql("delete from invitation_outbox where invitation_id = any(?)")
                    .param(invitations.toArray(UUID[]::new)).update();
        }
    }
}
