package io.portalusers.query.notifier;

import io.portalusers.api.privacy.Erased;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.mail.InvitationLinks;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The emails to send ({@code mail_outbox}) and what became of them. Rows are added in the
 * notifier processor's transaction; dispatchers claim due rows with {@code skip locked}, so
 * that no two dispatchers, on one node or several, hold the same email at once.
 */
@Component
public class MailOutbox {

    static final String PENDING = "PENDING";
    static final String SENT = "SENT";
    static final String FAILED = "FAILED";
    static final String SUPERSEDED = "SUPERSEDED";

    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final InvitationLinks invitations;

    MailOutbox(JdbcClient jdbc, ObjectMapper json, InvitationLinks invitations) {
        this.jdbc = jdbc;
        this.json = json;
        this.invitations = invitations;
    }

    /**
     * Adds an email unless one with its message id exists: a redelivered event adds nothing.
     *
     * @return whether it was added
     */
    public boolean add(String messageId, MailKind kind, UUID userId, UUID invitationId, String recipient,
                       String language, Map<String, String> params, Instant at) {
        if (Erased.isErased(recipient)) {
            // R-ERASE-1: an erased person is written to no more (their address reads as erased)
            return false;
        }
        return jdbc.sql("""
                        insert into mail_outbox (message_id, kind, user_id, invitation_id, recipient, language, params,
                                                 next_attempt_at, created_at)
                        values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                        on conflict do nothing""")
                .params(messageId, kind.name(), userId, invitationId, recipient, language, write(params), utc(at),
                        utc(at))
                .update() == 1;
    }

    /** Claims up to {@code limit} due emails until {@code claimedUntil}, the longest-waiting first. */
    @Transactional
    List<OutgoingMail> claim(int limit, Instant claimedUntil, Instant now) {
        return jdbc.sql("""
                        update mail_outbox o set claimed_until = ?, attempts = o.attempts + 1
                        from (select message_id from mail_outbox
                              where status = 'PENDING' and next_attempt_at <= ? and (claimed_until is null or claimed_until < ?)
                              order by next_attempt_at limit ? for update skip locked) due
                        where o.message_id = due.message_id
                        returning o.*""")
                .params(utc(claimedUntil), utc(now), utc(now), limit)
                .query(this::mail)
                .list()
                .stream()
                // RETURNING keeps no order: emails go out in the order they were written
                .sorted(java.util.Comparator.comparing(OutgoingMail::createdAt).thenComparing(OutgoingMail::messageId))
                .toList();
    }

    /**
     * The raw token of the link an email carries, while the email is not sent yet: an
     * invitation's as {@link InvitationLinks} has it, any other from {@code mail_link_token}.
     * Empty once the link was used, replaced or withdrawn.
     */
    Optional<String> token(OutgoingMail mail) {
        if (mail.invitationId() != null) {
            return invitations.token(mail.invitationId());
        }
        return jdbc.sql("select token from mail_link_token where message_id = ?")
                .param(mail.messageId()).query(String.class).optional();
    }

    /**
     * The emails were handed to the mail server: their tokens, if any, are deleted with this.
     * Run once per email as the server accepts it, so only the statements an email needs: an
     * invitation's token is in {@code invitation_outbox}, another link's in {@code mail_link_token},
     * and a kind without a link has neither.
     */
    @Transactional
    void sent(List<OutgoingMail> mails, Instant now) {
        if (mails.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        update mail_outbox set status = 'SENT', sent_at = ?, claimed_until = null, last_error = null
                        where message_id = any(?)""")
                .params(utc(now), mails.stream().map(OutgoingMail::messageId).toArray(String[]::new))
                .update();
        String[] linkTokens = mails.stream().filter(mail -> mail.kind().carriesToken() && mail.invitationId() == null)
                .map(OutgoingMail::messageId).toArray(String[]::new);
        if (linkTokens.length > 0) {
            jdbc.sql("delete from mail_link_token where message_id = any(?)").param(linkTokens).update();
        }
        invitations.release(mails.stream().map(OutgoingMail::invitationId).filter(java.util.Objects::nonNull)
                .toList());
    }

    /**
     * Hands back claimed emails that were not sent: due again at once, unless the claim ran
     * out meanwhile and another dispatcher holds them now.
     */
    void release(List<OutgoingMail> mails, Instant claimedUntil) {
        if (mails.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        update mail_outbox set claimed_until = null
                        where message_id = any(?) and status = 'PENDING' and claimed_until = ?""")
                .params(mails.stream().map(OutgoingMail::messageId).toArray(String[]::new), utc(claimedUntil))
                .update();
    }

    void superseded(OutgoingMail mail) {
        finish(mail, SUPERSEDED, "last_error = null");
    }

    /** The email cannot be delivered: nobody will ever hold its token, so it is not kept either (a resend draws a new one). */
    @Transactional
    void failed(OutgoingMail mail, String error, Instant now) {
        finish(mail, FAILED, "failed_at = ?, last_error = ?", utc(now), error);
        forgetToken(mail);
    }

    private void forgetToken(OutgoingMail mail) {
        jdbc.sql("delete from mail_link_token where message_id = ?").param(mail.messageId()).update();
        if (mail.invitationId() != null) {
            invitations.release(List.of(mail.invitationId()));
        }
    }

    void retryAt(OutgoingMail mail, Instant next, String error) {
        jdbc.sql("update mail_outbox set next_attempt_at = ?, claimed_until = null, last_error = ? where message_id = ?")
                .params(utc(next), error, mail.messageId())
                .update();
    }

    /** How many emails wait to be sent (retries included) and how many failed for good. */
    Map<String, Long> counts() {
        return jdbc.sql("""
                        select (select count(*) from mail_outbox where status = 'PENDING') as pending,
                               (select count(*) from mail_outbox where status = 'FAILED') as failed""")
                .query((rs, row) -> Map.of(PENDING, rs.getLong("pending"), FAILED, rs.getLong("failed")))
                .single();
    }

    private void finish(OutgoingMail mail, String status, String assignments, Object... values) {
        Object[] params = new Object[values.length + 2];
        params[0] = status;
        System.arraycopy(values, 0, params, 1, values.length);
        params[params.length - 1] = mail.messageId();
        jdbc.sql("update mail_outbox set status = ?, claimed_until = null, " + assignments + " where message_id = ?")
                .params(params)
                .update();
    }

    private OutgoingMail mail(ResultSet rs, int row) throws SQLException {
        return new OutgoingMail(rs.getString("message_id"), MailKind.valueOf(rs.getString("kind")),
                rs.getObject("user_id", UUID.class), rs.getObject("invitation_id", UUID.class),
                rs.getString("recipient"), rs.getString("language"), read(rs.getString("params")),
                rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant());
    }

    private String write(Map<String, String> params) {
        try {
            return json.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> read(String params) {
        try {
            return json.readValue(params, PARAMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
