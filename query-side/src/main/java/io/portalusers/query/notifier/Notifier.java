package io.portalusers.query.notifier;

import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.registration.DuplicateRegistrationAttempted;
import io.portalusers.api.registration.RegistrationExpired;
import io.portalusers.api.registration.RegistrationFailed;
import io.portalusers.api.registration.RegistrationId;
import io.portalusers.api.registration.RegistrationRejected;
import io.portalusers.api.registration.RegistrationSubmitted;
import io.portalusers.api.user.UserErased;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.platform.mail.InvitationLinks;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Turns events into emails to send, in its own processing group: it keeps whom to write to
 * ({@code mail_recipient}) and adds each email to the outbox in the transaction that moves
 * its token, so an email is written exactly once however often an event is delivered.
 * Nothing is sent here; {@link MailDispatcher} sends what the outbox holds.
 *
 * <p>A replay (a reset processor) never writes an email: it runs through the whole history,
 * whose emails went out long ago. Even outside a
 * replay, an invitation's email is only written while its token waits ({@link InvitationLinks}):
 * once sent, used or replaced, there is nothing left to send.
 */
@Component
@ProcessingGroup(Notifier.NAME)
public class Notifier {

    /** Its processing group: not a read model, so never rebuilt (a rebuild would be a replay of side effects). */
    public static final String NAME = "notifier";

    private final JdbcClient jdbc;
    private final MailOutbox outbox;
    private final InvitationLinks invitations;
    private final String messageIdDomain;
    private final boolean rejectionReason;

    Notifier(JdbcClient jdbc, MailOutbox outbox, InvitationLinks invitations, NotifierProperties properties) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.invitations = invitations;
        this.messageIdDomain = properties.messageIdDomain();
        this.rejectionReason = properties.rejectionReason();
    }

    @EventHandler
    void on(UserCreated event, @SequenceNumber long version) {
        jdbc.sql("""
                        insert into mail_recipient (user_id, username, email, first_name, last_name, language, version)
                        values (?, ?, ?, ?, ?, ?, ?) on conflict (user_id) do nothing""")
                .params(event.userId().value(), event.username().value(), event.email().value(),
                        event.name().firstName(), event.name().lastName(), event.language().tag(), version)
                .update();
    }

    /** R-ERASE-1: the erasure deleted the row already; this is for a notifier that reads the log again. */
    @EventHandler
    void on(UserErased event) {
        jdbc.sql("delete from mail_recipient where user_id = ?").param(event.userId().value()).update();
    }

    @EventHandler
    void on(UserNameChanged event, @SequenceNumber long version) {
        update(event.userId(), version, "first_name = ?, last_name = ?", event.name().firstName(),
                event.name().lastName());
    }

    @EventHandler
    void on(UserEmailChanged event, @SequenceNumber long version) {
        update(event.userId(), version, "email = ?", event.email().value());
    }

    @EventHandler
    void on(UserLanguageChanged event, @SequenceNumber long version) {
        update(event.userId(), version, "language = ?", event.language().tag());
    }

    @EventHandler
    @DisallowReplay
    void on(InvitationIssued event, @Timestamp Instant at) {
        UUID invitation = event.invitationId().value();
        if (!invitations.isWaiting(invitation)) {
            return;
        }
        recipient(event.userId())
                .ifPresent(recipient -> outbox.add(messageId("invitation." + invitation), MailKind.ACTIVATION,
                        event.userId().value(), invitation, recipient.email(), recipient.language(),
                        recipient.with("expiresAt", event.expiresAt().toString()), at));
    }

    /** Where an email to a user goes, in which language, and the names it shows. */
    record Recipient(String email, String language, Map<String, String> params) {

        Map<String, String> with(String key, String value) {
            Map<String, String> all = new java.util.HashMap<>(params);
            all.put(key, value);
            return all;
        }
    }

    /** With the workflow on, the visitor learns that the request arrived and waits (R-REG-2). */
    @EventHandler
    @DisallowReplay
    void on(RegistrationSubmitted event, @Timestamp Instant at) {
        if (event.awaitsApproval()) {
            registrant(event.registrationId(), "received", MailKind.REGISTRATION_RECEIVED, event.email(), event.name(),
                    event.language(), event.organizationName(), Map.of("username", event.username().value()), at);
        }
    }

    @EventHandler
    @DisallowReplay
    void on(RegistrationRejected event, @Timestamp Instant at) {
        Map<String, String> reason = rejectionReason && event.reason() != null ? Map.of("reason", event.reason()) : Map.of();
        registrant(event.registrationId(), "rejected", MailKind.REGISTRATION_REJECTED, event.email(), event.name(),
                event.language(), event.organizationName(), reason, at);
    }

    @EventHandler
    @DisallowReplay
    void on(RegistrationExpired event, @Timestamp Instant at) {
        registrant(event.registrationId(), "expired", MailKind.REGISTRATION_EXPIRED, event.email(), event.name(),
                event.language(), event.organizationName(), Map.of(), at);
    }

    @EventHandler
    @DisallowReplay
    void on(RegistrationFailed event, @Timestamp Instant at) {
        registrant(event.registrationId(), "failed", MailKind.REGISTRATION_FAILED, event.email(), event.name(),
                event.language(), event.organizationName(), Map.of(), at);
    }

    /**
     * R-REG-4: the visitor's answer was the same as for a fresh registration. The owner of the
     * address gets a notice at the address and in the language of their account; a taken
     * username (a user's, or one another registration holds) with an unused address is told
     * to the address registered with.
     */
    @EventHandler
    @DisallowReplay
    void on(DuplicateRegistrationAttempted event, @Timestamp Instant at) {
        UUID registration = event.registrationId().value();
        if (event.emailOwner() != null) {
            recipient(event.emailOwner()).ifPresent(owner -> outbox.add(
                    messageId("registration." + registration + ".existing-account"),
                    MailKind.REGISTRATION_EXISTING_ACCOUNT, event.emailOwner().value(), null, owner.email(),
                    owner.language(), owner.params(), at));
        } else {
            registrant(event.registrationId(), "username-taken", MailKind.REGISTRATION_USERNAME_TAKEN, event.email(),
                    event.name(), event.language(), event.organizationName(),
                    Map.of("username", event.username().value()), at);
        }
    }

    private void registrant(RegistrationId registration, String what, MailKind kind, EmailAddress email, PersonName name,
                            Language language, OrganizationName organization, Map<String, String> more, Instant at) {
        Map<String, String> params = new java.util.HashMap<>(more);
        params.put("firstName", name.firstName());
        params.put("lastName", name.lastName());
        params.put("organizationName", organization.value());
        outbox.add(messageId("registration." + registration.value() + "." + what), kind, null, null,
                email.value(), language.tag(), params, at);
    }

    /** The user's address, language and names. */
    private java.util.Optional<Recipient> recipient(UserId user) {
        return jdbc.sql("select email, language, username, first_name, last_name from mail_recipient where user_id = ?")
                .param(user.value())
                .query((rs, row) -> new Recipient(rs.getString("email"), rs.getString("language"),
                        Map.of("username", rs.getString("username"), "firstName", rs.getString("first_name"),
                                "lastName", rs.getString("last_name"))))
                .optional();
    }

    /**
     * A Message-ID derived from what the email is about ({@code invitation.<id>},
     * {@code registration.<id>.received}...): a second send of it is recognizably the same email.
     */
    private String messageId(String about) {
        return "<" + about + "@" + messageIdDomain + ">";
    }

    private void update(UserId user, long version, String assignments, Object... values) {
        Object[] params = new Object[values.length + 3];
        System.arraycopy(values, 0, params, 0, values.length);
        params[values.length] = version;
        params[values.length + 1] = user.value();
        params[values.length + 2] = version;
        jdbc.sql("update mail_recipient set " + assignments + ", version = ? where user_id = ? and version < ?")
                .params(params)
                .update();
    }
}
