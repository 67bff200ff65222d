package io.portalusers.command.user;

import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.Username;

import java.util.List;

/** An external IdP user as its scheme maps the identity provider's assertion. */
public record ProvisionedUser(
        UserId userId,
        SchemeId schemeId,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        Role accountRole,
        List<Membership> memberships) {

    public ProvisionedUser {
        memberships = List.copyOf(memberships);
    }
}
