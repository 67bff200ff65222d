package io.portalusers.query.notifier;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.platform.mail.PasswordResetMailer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The notifier's side of {@link PasswordResetMailer}: a reset link's email goes into the
 * outbox, to the user's address and in its language as the notifier keeps them
 * ({@code mail_recipient}), and the link's token waits beside it in {@code mail_link_token}
 * until the dispatcher has sent it. From there on it is an email like any other: retried,
 * sent once under its Message-ID ({@code <password-reset.{id}@...>}), its outcome counted.
 */
@Component
class PasswordResetMails implements PasswordResetMailer {

    /** Stands in for a recipient the notifier does not know, so that the same statements run. */
    private static final Recipient NOBODY = new Recipient("", "en", "", "", "");

    private final JdbcClient jdbc;
    private final MailOutbox outbox;
    private final String messageIdDomain;

    PasswordResetMails(JdbcClient jdbc, MailOutbox outbox, NotifierProperties properties) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.messageIdDomain = properties.messageIdDomain();
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
        boolean added = outbox.addIf(current, messageId, MailKind.PASSWORD_RESET, mail.userId(), to.email(),
                to.language(), Map.of("username", to.username(), "firstName", to.firstName(),
                        "lastName", to.lastName(), "expiresAt", mail.expiresAt().toString()),
                mail.requestedAt());
        jdbc.sql("insert into mail_link_token (message_id, user_id, token) select ?, ?::uuid, ? where ?")
                .params(messageId, mail.userId(), mail.token(), added)
                .update();
        return added;
    }

    @Override
    public void withdraw(UUID userId) {
        jdbc.sql("delete from mail_link_token where user_id = ?").param(userId).update();
    }

    private static String key(String address) {
        try {
            return EmailAddress.of(address).key();
        } catch (InvalidValueException unreadable) {
            return "";
        }
    }
}
