package io.portalusers.command.user;

import io.portalusers.platform.mail.InvitationLinks;
import io.portalusers.platform.security.LinkToken;
import io.portalusers.api.UserId;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * The tokens of invitations (R-ACT-2, R-ACT-3), written in the transaction that appends the
 * events: a token is drawn when its invitation is issued, only its hash is kept to look it
 * up by ({@code invitation_lookup}), and the raw token is handed to the notifier through
 * {@link InvitationLinks} for the email that carries it. Finds and consumes the token a setup
 * link presents. Subscribing handlers see each event once, live, and never on a replay, so no
 * token is ever drawn twice for one invitation. An invitation that ends before its email went
 * (replaced, voided, used) has its waiting link voided here.
 */
@Component
@ProcessingGroup("command-lookups")
class InvitationTokens {

    /** What a valid token opens: its user and invitation, and what the setup form shows. */
    record PendingInvitation(UserId userId, InvitationId invitationId, String username, String firstName,
                             String lastName) {
    }

    private static final String PENDING = " i.user_id, i.invitation_id, p.username, p.first_name, p.last_name ";
    private static final String VALID = " i.used_at is null and not i.superseded and i.expires_at > ? ";

    private final JdbcClient jdbc;
    private final InvitationLinks links;
    private final ObjectProvider<BootstrapSetupLink> setupLinks;

    InvitationTokens(JdbcClient jdbc, InvitationLinks links, ObjectProvider<BootstrapSetupLink> setupLinks) {
        this.setupLinks = setupLinks;
        this.links = links;
        this.jdbc = jdbc;
    }

    /** The invitation a token opens as of {@code now}, without consuming it (R-ACT-4). */
    Optional<PendingInvitation> find(LinkToken token, Instant now) {
        return jdbc.sql("select" + PENDING + "from invitation_lookup i join pending_account p using (user_id)"
                        + " where i.token_hash = ? and" + VALID)
                .params(token.hash(), utc(now))
                .query(InvitationTokens::pending)
                .optional();
    }

    /**
     * Marks the token used and answers what it opened, if it was still valid. The row stays
     * locked until the transaction ends: of concurrent uses exactly one finds it unused, so a link activates once.
     */
    Optional<PendingInvitation> consume(LinkToken token, Instant now) {
        return jdbc.sql("with i as (update invitation_lookup i set used_at = ? where i.token_hash = ? and" + VALID
                        + "returning i.user_id, i.invitation_id)"
                        + " select" + PENDING + "from i join pending_account p using (user_id)")
                .params(utc(now), token.hash(), utc(now))
                .query(InvitationTokens::pending)
                .optional();
    }

    @EventHandler
    void on(UserCreated event) {
        if (event.source() == UserSource.PORTAL) {
            jdbc.sql("insert into pending_account (user_id, username, first_name, last_name) values (?, ?, ?, ?)")
                    .params(event.userId().value(), event.username().value(), event.name().firstName(),
                            event.name().lastName())
                    .update();
        }
    }

    @EventHandler
    void on(UserNameChanged event) {
        jdbc.sql("update pending_account set first_name = ?, last_name = ? where user_id = ?")
                .params(event.name().firstName(), event.name().lastName(), event.userId().value())
                .update();
    }

    @EventHandler
    void on(InvitationIssued event, @Timestamp Instant at) {
        supersedeAll(event.userId());
        LinkToken token = LinkToken.random();
        UUID user = event.userId().value();
        UUID invitation = event.invitationId().value();
        jdbc.sql("insert into invitation_lookup (token_hash, user_id, invitation_id, expires_at) values (?, ?, ?, ?)")
                .params(token.hash(), user, invitation, utc(event.expiresAt()))
                .update();
        links.hold(invitation, user, token.value(), at);
        setupLinks.ifAvailable(printer -> printer.issued(event.userId(), token));
    }

    /** R-ACT-2: an email change voids every invitation sent to the old address. */
    @EventHandler
    void on(UserEmailChanged event) {
        supersedeAll(event.userId());
    }

    /** R-STATE-1: a disabled user's pending invitations stop working. */
    @EventHandler
    void on(UserDisabled event) {
        supersedeAll(event.userId());
    }

    @EventHandler
    void on(UserActivated event) {
        supersedeAll(event.userId());
        jdbc.sql("delete from pending_account where user_id = ?").param(event.userId().value()).update();
    }

    private void supersedeAll(UserId user) {
        jdbc.sql("update invitation_lookup set superseded = true where user_id = ? and not superseded")
                .param(user.value()).update();
        links.voidAll(user.value());
    }

    private static PendingInvitation pending(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new PendingInvitation(new UserId(rs.getObject("user_id", UUID.class)),
                new InvitationId(rs.getObject("invitation_id", UUID.class)), rs.getString("username"),
                rs.getString("first_name"), rs.getString("last_name"));
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
