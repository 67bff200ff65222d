package io.portalusers.query.users;

import io.portalusers.api.user.Membership;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;
import io.portalusers.api.user.UserCreated;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static io.portalusers.query.users.UsersProjection.ACTIVE;
import static io.portalusers.query.users.UsersProjection.INVITATION_ISSUED;
import static io.portalusers.query.users.UsersProjection.INVITATION_REVOKED;
import static io.portalusers.query.users.UsersProjection.INVITATION_USED;
import static io.portalusers.query.users.UsersProjection.PENDING;

/**
 * One {@code user_view} row while a batch of events is folded into it in memory: one method
 * per event. The projection applies an event only when its sequence number is above
 * {@link #version} (an event may be delivered twice) and then sets {@link #updatedAt} and {@link #version}.
 */
final class UserRow {

    final UUID userId;
    String username;
    String email;
    String firstName;
    String lastName;
    String fullName;
    String language;
    final String category;
    String accountRole;
    final String source;
    final UUID schemeId;
    boolean enabled;
    String activation;
    final OffsetDateTime createdAt;
    OffsetDateTime updatedAt;
    long version;
    UUID invitationId;
    String invitationStatus;
    OffsetDateTime invitationIssuedAt;
    OffsetDateTime invitationExpiresAt;
    /** The memberships to replace the stored ones with; null while no event of the batch changed them. */
    List<Membership> memberships;

    UserRow(UUID userId, String username, String email, String firstName, String lastName, String fullName,
            String language, String category, String accountRole, String source, UUID schemeId, boolean enabled,
            String activation, OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {
        this.userId = userId;
        this.username = username;
        this.email = email;
        this.firstName = firstName;
        this.lastName = lastName;
        this.fullName = fullName;
        this.language = language;
        this.category = category;
        this.accountRole = accountRole;
        this.source = source;
        this.schemeId = schemeId;
        this.enabled = enabled;
        this.activation = activation;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.version = version;
    }

    /** A new user: enabled, pending activation (R-ADD-7), no invitation yet. */
    static UserRow created(UserCreated event, long version, OffsetDateTime at) {
        PersonName name = event.name();
        UserRow row = new UserRow(event.userId().value(), event.username().value(), event.email().value(),
                name.firstName(), name.lastName(), name.fullName(), event.language().tag(), event.category().name(),
                event.accountRole().name(), event.source().name(),
                event.schemeId() == null ? null : event.schemeId().value(), true, PENDING, at, at, version);
        row.memberships = List.copyOf(event.memberships());
        return row;
    }

    void rename(PersonName name) {
        firstName = name.firstName();
        lastName = name.lastName();
        fullName = name.fullName();
    }

    void changeEmail(String email) {
        this.email = email;
        revokeInvitation();
    }

    void changeLanguage(String language) {
        this.language = language;
    }

    void changeRole(String accountRole) {
        this.accountRole = accountRole;
    }

    void replaceMemberships(List<Membership> memberships) {
        this.memberships = List.copyOf(memberships);
    }

    void enable() {
        enabled = true;
    }

    void disable() {
        enabled = false;
        revokeInvitation();
    }

    void issueInvitation(UUID invitationId, OffsetDateTime issuedAt, OffsetDateTime expiresAt) {
        this.invitationId = invitationId;
        invitationStatus = INVITATION_ISSUED;
        invitationIssuedAt = issuedAt;
        invitationExpiresAt = expiresAt;
    }

    void activate() {
        activation = ACTIVE;
        invitationStatus = INVITATION_USED;
    }

    /**
     * R-ERASE-1: the row stays (the account existed, and counts and memberships still hold)
     * with its personal fields as a rebuild reads them from the log once the keys are gone.
     */
    void erase() {
        username = Username.ERASED.value();
        email = EmailAddress.ERASED.value();
        rename(PersonName.ERASED);
    }

    /** R-ACT-2: an email change or a disable voids the pending invitation. */
    private void revokeInvitation() {
        if (INVITATION_ISSUED.equals(invitationStatus)) {
            invitationStatus = INVITATION_REVOKED;
        }
    }
}
