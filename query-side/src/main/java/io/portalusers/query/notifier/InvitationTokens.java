package io.portalusers.query.notifier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The raw tokens of invitations whose email is not sent yet, as the notifier sees them: the one
 * place of the query side that reads the command side's {@code invitation_outbox}, and the one
 * that deletes from it.
 *
 * <p>Who does what. The command side draws an invitation's token in the transaction that
 * appends {@code InvitationIssued} (the event never holds it), keeps only its hash to look it up
 * by, and leaves the raw token in {@code invitation_outbox} for the email; it deletes the row
 * itself when the invitation ends before its email went (a resend, an email change, a disable,
 * a use). The notifier writes an invitation's email only while its row waits
 * ({@link #isWaiting}), reads the token when it sends ({@link #token}), and deletes the row in
 * the transaction that records the email as sent or failed for good ({@link #release}): so an
 * email goes once (a crash before that transaction sends it again with the same Message-ID, a
 * crash after it leaves nothing to send) and no token outlives its email.
 *
 * <p>Why the notifier and not the command side deletes on sending: the command side and the
 * notifier may run in different processes that share only the database, and the token must be
 * gone in the very transaction that marks the email sent. Only code running in the notifier's
 * process can do that, and the query side's process holds no command-side code. Taking this
 * crossing away needs the database's help (a function the command side's migration defines and
 * the notifier calls, say), not only code.
 */
@Component
class InvitationTokens {

    private final JdbcClient jdbc;

    InvitationTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether the invitation's token still waits for its email: not sent, used or replaced yet. */
    boolean isWaiting(UUID invitation) {
        return jdbc.sql("select exists (select 1 from invitation_outbox where invitation_id = ?)")
                .param(invitation).query(Boolean.class).single();
    }

    /** The invitation's raw token while its email is not sent; empty once it was used, replaced or released. */
    Optional<String> token(UUID invitation) {
        return jdbc.sql("select raw_token from invitation_outbox where invitation_id = ?")
                .param(invitation).query(String.class).optional();
    }

    /** The invitations' emails went (or failed for good): nobody needs their tokens any more. */
    void release(Collection<UUID> invitations) {
        if (!invitations.isEmpty()) {
            jdbc.sql("delete from invitation_outbox where invitation_id = any(?)")
                    .param(invitations.toArray(UUID[]::new)).update();
        }
    }
}
