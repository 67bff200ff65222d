package io.portalusers.api.user;

import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;

import java.util.List;

/**
 * A user account came to be. It is pending activation (R-ADD-7); {@code notifyUser} records
 * whether the admin asked for the invitation to be sent. {@code schemeId} names the
 * authentication scheme of an external IdP user (source IDP), and is null otherwise.
 */
public record UserCreated(
        @DataSubject UserId userId,
        @PersonalData Username username,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        Role accountRole,
        List<Membership> memberships,
        UserSource source,
        SchemeId schemeId,
        boolean notifyUser) {

    public UserCreated {
        memberships = List.copyOf(memberships);
    }

    public UserCategory category() {
        return accountRole.category();
    }
}
