package io.portalusers.query.history;

import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PublisherRoleChanged;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * A user account as its events made it, in the shape of {@code GET /api/users/{id}} (R-AUD-2).
 * Folded from the event store, so that it can be had for any instant.
 */
record UserState(UUID id, String username, String email, String firstName, String lastName, String language,
                 UserCategory category, Role role, List<Membership> memberships, boolean enabled,
                 String activation, UserSource source, UUID schemeId, Instant createdAt, Instant updatedAt,
                 long version) {

    /** No event completes an activation yet, so every account is pending, as the users view has it. */
    private static final String PENDING = "PENDING";

    /** In the users view's order (PostgreSQL compares uuids as unsigned bytes, as their text sorts). */
    private static final Comparator<Membership> VIEW_ORDER = Comparator.comparing(m -> m.organizationId().toString());

    public UserState {
        memberships = memberships.stream().sorted(VIEW_ORDER).toList();
    }

    /** The state after each event, in order; empty when the events are not those of a user. */
    static List<UserState> after(List<RecordedEvent> events) {
        List<UserState> states = new ArrayList<>();
        if (events.isEmpty() || !(events.get(0).payload() instanceof UserCreated)) {
            return states;
        }
        UserState state = null;
        for (RecordedEvent event : events) {
            state = state == null ? created((UserCreated) event.payload(), event) : state.apply(event);
            states.add(state);
        }
        return states;
    }

    private static UserState created(UserCreated e, RecordedEvent at) {
        return new UserState(e.userId().value(), e.username().value(), e.email().value(), e.name().firstName(),
                e.name().lastName(), e.language().tag(), e.category(), e.accountRole(), e.memberships(), true,
                PENDING, e.source(), e.schemeId() == null ? null : e.schemeId().value(), at.time(), at.time(),
                at.sequenceNumber());
    }

    /** This state with the event applied; an event that does not change an account field still counts as a version. */
    private UserState apply(RecordedEvent at) {
        Object event = at.payload();
        String newEmail = event instanceof UserEmailChanged e ? e.email().value() : email;
        String newFirst = event instanceof UserNameChanged e ? e.name().firstName() : firstName;
        String newLast = event instanceof UserNameChanged e ? e.name().lastName() : lastName;
        String newLanguage = event instanceof UserLanguageChanged e ? e.language().tag() : language;
        Role newRole = event instanceof PublisherRoleChanged e ? e.role() : role;
        List<Membership> newMemberships = event instanceof MembershipsChanged e ? e.memberships() : memberships;
        boolean newEnabled = event instanceof UserEnabled || !(event instanceof UserDisabled) && enabled;
        return new UserState(id, username, newEmail, newFirst, newLast, newLanguage, newRole.category(), newRole,
                newMemberships, newEnabled, activation, source, schemeId, createdAt, at.time(), at.sequenceNumber());
    }
}
