package io.portalusers.query.history;

import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.platform.actor.ReaderScope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One version of a user account: the account as its events up to one of them made it, in the
 * shape of {@code GET /api/users/{id}} (R-AUD-2). Folded from the event store, so that the
 * version current at any instant can be had. Its {@code enabled} and {@code activation} are
 * two of the account's fields, not the whole of it.
 */
record UserVersion(UUID id, String username, String email, String firstName, String lastName, String language,
                 UserCategory category, Role role, List<Membership> memberships, boolean enabled,
                 String activation, Invitation invitation, UserSource source, UUID schemeId, Instant createdAt,
                 Instant updatedAt, long version) {

    private static final String PENDING = "PENDING";
    private static final String ACTIVE = "ACTIVE";

    /** The latest activation invitation, as the users view shows it: ISSUED, USED or REVOKED. */
    record Invitation(String status, Instant issuedAt, Instant expiresAt) {

        Invitation revoked() {
            return "ISSUED".equals(status) ? new Invitation("REVOKED", issuedAt, expiresAt) : this;
        }

        /** As seen at {@code instant}: an issued invitation past its deadline has expired. */
        Invitation at(Instant instant) {
            return "ISSUED".equals(status) && !instant.isBefore(expiresAt)
                    ? new Invitation("EXPIRED", issuedAt, expiresAt) : this;
        }
    }

    /** In the users view's order: PostgreSQL compares uuids as unsigned bytes (as their text sorts). */
    private static final Comparator<Membership> VIEW_ORDER = (a, b) -> {
        UUID left = a.organizationId().value();
        UUID right = b.organizationId().value();
        int high = Long.compareUnsigned(left.getMostSignificantBits(), right.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(left.getLeastSignificantBits(), right.getLeastSignificantBits());
    };

    public UserVersion {
        // unmodifiable and in order; a version made from the one before keeps that very list (List.copyOf
        // returns an unmodifiable list as it is), so that a change of memberships shows as a new list
        memberships = inViewOrder(memberships) ? List.copyOf(memberships)
                : memberships.stream().sorted(VIEW_ORDER).collect(Collectors.toUnmodifiableList());
    }

    private static boolean inViewOrder(List<Membership> memberships) {
        for (int i = 1; i < memberships.size(); i++) {
            if (VIEW_ORDER.compare(memberships.get(i - 1), memberships.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** The version each event made, in order; empty when the events are not those of a user. */
    static List<UserVersion> after(List<RecordedEvent> events) {
        List<UserVersion> versions = new ArrayList<>();
        if (events.isEmpty() || !(events.get(0).payload() instanceof UserCreated)) {
            return versions;
        }
        UserVersion account = null;
        for (RecordedEvent event : events) {
            account = account == null ? created((UserCreated) event.payload(), event) : account.apply(event);
            versions.add(account);
        }
        return versions;
    }

    private static UserVersion created(UserCreated e, RecordedEvent at) {
        return new UserVersion(e.userId().value(), e.username().value(), e.email().value(), e.name().firstName(),
                e.name().lastName(), e.language().tag(), e.category(), e.accountRole(), e.memberships(), true,
                PENDING, null, e.source(), e.schemeId() == null ? null : e.schemeId().value(), at.time(), at.time(),
                at.sequenceNumber());
    }

    /** The next version: this one with the event applied; an event that changes no account field still makes one. */
    private UserVersion apply(RecordedEvent at) {
        Object event = at.payload();
        String newEmail = event instanceof UserEmailChanged e ? e.email().value() : email;
        String newFirst = event instanceof UserNameChanged e ? e.name().firstName() : firstName;
        String newLast = event instanceof UserNameChanged e ? e.name().lastName() : lastName;
        String newLanguage = event instanceof UserLanguageChanged e ? e.language().tag() : language;
        Role newRole = event instanceof AccountRoleChanged e ? e.role() : role;
        List<Membership> newMemberships = event instanceof MembershipsChanged e ? e.memberships() : memberships;
        boolean newEnabled = event instanceof UserEnabled || !(event instanceof UserDisabled) && enabled;
        String newActivation = event instanceof UserActivated ? ACTIVE : activation;
        Invitation newInvitation = invitation;
        if (event instanceof InvitationIssued e) {
            newInvitation = new Invitation("ISSUED", at.time(), e.expiresAt());
        } else if (event instanceof UserActivated && invitation != null) {
            newInvitation = new Invitation("USED", invitation.issuedAt(), invitation.expiresAt());
        } else if ((event instanceof UserEmailChanged || event instanceof UserDisabled) && invitation != null) {
            newInvitation = invitation.revoked();
        }
        return new UserVersion(id, username, newEmail, newFirst, newLast, newLanguage, newRole.category(), newRole,
                newMemberships, newEnabled, newActivation, newInvitation, source, schemeId, createdAt, at.time(),
                at.sequenceNumber());
    }

    /** This version as {@code scope}'s reader sees it: without the memberships it may not see (R-SEARCH-5). */
    UserVersion seenBy(ReaderScope scope) {
        List<Membership> shown = scope.memberships(id, memberships);
        return shown.size() == memberships.size() ? this : new UserVersion(id, username, email, firstName, lastName,
                language, category, role, shown, enabled, activation, invitation, source, schemeId, createdAt,
                updatedAt, version);
    }

    /** This version as seen at {@code instant} (an issued invitation may have expired by then). */
    UserVersion seenAt(Instant instant) {
        return invitation == null ? this : new UserVersion(id, username, email, firstName, lastName, language, category,
                role, memberships, enabled, activation, invitation.at(instant), source, schemeId, createdAt, updatedAt,
                version);
    }
}
