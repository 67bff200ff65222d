package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;

import java.util.List;

/** Users as the fixtures' given events create them. */
final class Users {

    static final UserId TARGET = UserId.random();
    static final Username USERNAME = Username.of("rsmith");
    static final EmailAddress EMAIL = EmailAddress.of("robert.smith@example.com");
    static final PersonName NAME = new PersonName("Robert", "Smith");

    private Users() {
    }

    static Membership member(OrganizationId organization, Role role) {
        return new Membership(organization, role);
    }

    static UserCreated created(Role role, Membership... memberships) {
        return new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, role, List.of(memberships),
                UserSource.PORTAL, null, true);
    }

    static UserCreated createdByIdp(SchemeId scheme, Role role, Membership... memberships) {
        return new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, role, List.of(memberships),
                UserSource.IDP, scheme, false);
    }
}
