package io.portalusers.platform.mail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.user.EmailAddress;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link PasswordResetMailer} on the tables the notifier sends from: the reset link's email goes
 * into {@code mail_outbox}, to the user's address and in its language as the notifier keeps them
 * ({@code mail_recipient}), and the link's token waits beside it in {@code mail_link_token}
 * until the notifier's dispatcher has sent it. From there on it is an email like any other:
 * retried, sent once under its Message-ID ({@code <password-reset.{id}@...>}), its outcome
 * counted.
 *
 * <p>Here, on the tables, rather than in the notifier: sign-in runs on the command side's node,
 * the notifier on the query side's, and the outbox in their shared database is what carries a
 * request from one to the other (as it carries every email the notifier sends).
 */
@Component
class JdbcPasswordResetMailer implements PasswordResetMailer {

    /** The notifier's name of this kind of email (its {@code MailKind}). */
    static final String KIND = "PASSWORD_RESET";
    /** Stands in for a recipient the notifier does not know, so that the same statements run. */
    private static final Recipient NOBODY = new Recipient("", "en", "", "", "");

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final String messageIdDomain;

    JdbcPasswordResetMailer(JdbcClient jdbc, ObjectMapper json,
                            @Value("${portal.mail.message-id-domain}") String messageIdDomain) {
        this.jdbc = jdbc;
        this.json = json;
        this.messageIdDomain = messageIdDomain;
    }

    private record Recipient(String email, String language, String username, String firstName, String lastName) {
    }

    @Override
    public boolean queue(PasswordResetMail mail) {
        Optional<Recipient> known = jdbc.sql("""
                        select email, language, username, first_name, last_name from mail_recipient where user_id = ?""")
                .param(mail.userId())
                .query((rs, row) -> new Recipient(rs.getString("email"), rs.getString("language"),
                        rs.getString("username"), rs.getString("first_name"), rs.getString("last_name")))
                .optional();
        // mail_recipient follows email changes a moment late: an address that is not the
        // account's current one gets no link (the account's owner may just have left it)
        boolean current = known.map(r -> key(r.email()).equals(mail.emailKey())).orElse(false);
        Recipient to = known.orElse(NOBODY);
        String messageId = "<password-reset." + mail.resetId() + "@" + messageIdDomain + ">";
        String at = mail.requestedAt().atOffset(ZoneOffset.UTC).toString();
        boolean added = jdbc.sql("""
                        insert into mail_outbox (message_id, kind, user_id, recipient, language, params, next_attempt_at,
                                                 created_at)
                        select ?, ?, ?::uuid, ?, ?, ?::jsonb, ?::timestamptz, ?::timestamptz where ?
                        on conflict do nothing""")
                .params(messageId, KIND, mail.userId(), to.email(), to.language(), params(to, mail.expiresAt()), at, at,
                        current)
                .update() == 1;
        jdbc.sql("insert into mail_link_token (message_id, user_id, token) select ?, ?::uuid, ? where ?")
                .params(messageId, mail.userId(), mail.token(), added)
                .update();
        return added;
    }

    @Override
    public void withdraw(UUID userId) {
        jdbc.sql("delete from mail_link_token where user_id = ?").param(userId).update();
    }

    private String params(Recipient to, Instant expiresAt) {
        try {
            return json.writeValueAsString(Map.of("username", to.username(), "firstName", to.firstName(),
                    "lastName", to.lastName(), "expiresAt", expiresAt.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String address) {
        try {
            return EmailAddress.of(address).key();
        } catch (InvalidValueException unreadable) {
            return "";
        }
    }
}
