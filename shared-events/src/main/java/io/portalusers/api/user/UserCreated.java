package io.portalusers.api.user;

import io.portalusers.api.UserId;

import java.util.List;

/**
 * A user account came to be. It is pending activation (R-ADD-7); {@code notifyUser} records
 * whether the admin asked for the invitation to be sent.
 */
public record UserCreated(
        UserId userId,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        Role accountRole,
        List<Membership> memberships,
        UserSource source,
        boolean notifyUser) {

    public UserCreated {
        memberships = List.copyOf(memberships);
    }

    public UserCategory category() {
        return accountRole.category();
    }
}
