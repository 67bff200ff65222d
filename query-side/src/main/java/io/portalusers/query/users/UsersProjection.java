package io.portalusers.query.users;

import io.portalusers.api.UserId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.PublisherRoleChanged;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Folds user events into {@code user_view} and {@code user_membership_view}. Its token is
 * stored in the same transaction as the rows; every change is guarded by the row's version,
 * so a redelivered or older event changes nothing (AXON-NOTES trap 6).
 */
@Component
@ProcessingGroup(UsersProjection.NAME)
class UsersProjection {

    static final String NAME = "users";

    /** Until the account setup form is completed (R-ADD-7, R-ACT-1). */
    static final String PENDING = "PENDING";
    static final String ACTIVE = "ACTIVE";

    /** The latest invitation: sent the user a link that still works (until it expires), was used, or was voided. */
    static final String INVITATION_ISSUED = "ISSUED";
    static final String INVITATION_USED = "USED";
    static final String INVITATION_REVOKED = "REVOKED";
    /** R-ACT-2: an email change or a disable voids the pending invitation. */
    private static final String REVOKE_INVITATION =
            "invitation_status = case when invitation_status = 'ISSUED' then 'REVOKED' else invitation_status end";

    private final JdbcClient jdbc;

    UsersProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(UserCreated event, @SequenceNumber long version, @Timestamp Instant at) {
        PersonName name = event.name();
        int inserted = jdbc.sql("""
                        insert into user_view (user_id, username, email, first_name, last_name, full_name, language,
                                               category, account_role, source, scheme_id, enabled, activation,
                                               created_at, updated_at, version)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?, ?)
                        on conflict (user_id) do nothing""")
                .params(event.userId().value(), event.username().value(), event.email().value(),
                        name.firstName(), name.lastName(), name.fullName(), event.language().tag(),
                        event.category().name(), event.accountRole().name(), event.source().name(),
                        event.schemeId() == null ? null : event.schemeId().value(), PENDING,
                        utc(at), utc(at), version)
                .update();
        // A redelivered creation must not bring back memberships a later event replaced.
        if (inserted == 1) {
            insertMemberships(event.userId(), event.memberships());
        }
    }

    @EventHandler
    void on(UserNameChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        PersonName name = event.name();
        update(event.userId(), version, at, "first_name = ?, last_name = ?, full_name = ?",
                name.firstName(), name.lastName(), name.fullName());
    }

    @EventHandler
    void on(UserEmailChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at, "email = ?, " + REVOKE_INVITATION, event.email().value());
    }

    @EventHandler
    void on(UserLanguageChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at, "language = ?", event.language().tag());
    }

    @EventHandler
    void on(PublisherRoleChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at, "account_role = ?", event.role().name());
    }

    @EventHandler
    void on(MembershipsChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        if (update(event.userId(), version, at, "") == 1) {
            jdbc.sql("delete from user_membership_view where user_id = ?").param(event.userId().value()).update();
            insertMemberships(event.userId(), event.memberships());
        }
    }

    @EventHandler
    void on(UserEnabled event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at, "enabled = ?", true);
    }

    @EventHandler
    void on(UserDisabled event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at, "enabled = ?, " + REVOKE_INVITATION, false);
    }

    @EventHandler
    void on(InvitationIssued event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at,
                "invitation_id = ?, invitation_status = ?, invitation_issued_at = ?, invitation_expires_at = ?",
                event.invitationId().value(), INVITATION_ISSUED, utc(at), utc(event.expiresAt()));
    }

    @EventHandler
    void on(UserActivated event, @SequenceNumber long version, @Timestamp Instant at) {
        update(event.userId(), version, at, "activation = ?, invitation_status = ?", ACTIVE, INVITATION_USED);
    }

    @ResetHandler
    void reset() {
        jdbc.sql("delete from user_membership_view").update();
        jdbc.sql("delete from user_view").update();
    }

    /** Sets {@code assignments} (and the version) on a row older than the event; the number of rows changed. */
    private int update(UserId user, long version, Instant at, String assignments, Object... values) {
        String set = assignments.isEmpty() ? "" : assignments + ", ";
        return jdbc.sql("update user_view set " + set + "updated_at = ?, version = ? where user_id = ? and version < ?")
                .params(values)
                .params(utc(at), version, user.value(), version)
                .update();
    }

    private void insertMemberships(UserId user, List<Membership> memberships) {
        for (Membership membership : memberships) {
            jdbc.sql("insert into user_membership_view (user_id, organization_id, org_role) values (?, ?, ?)")
                    .params(user.value(), membership.organizationId().value(), membership.role().name())
                    .update();
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
