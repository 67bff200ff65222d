package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.command.CommandFixtures;
import org.axonframework.test.aggregate.AggregateTestFixture;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Users as the fixtures' given events create them. */
final class Users {

    static final UserId TARGET = UserId.random();
    static final Username USERNAME = Username.of("rsmith");
    static final EmailAddress EMAIL = EmailAddress.of("robert.smith@example.com");
    static final PersonName NAME = new PersonName("Robert", "Smith");
    /** The fixtures' clock stands still here; each invitation they issue is this one, valid for the default 72 h. */
    static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");
    static final Duration TTL = Duration.ofHours(72);
    static final InvitationId INVITATION = InvitationId.random();

    private Users() {
    }

    /** A User fixture in a portal with organizations ACME and GLOBEX, the fixture actors, and {@code portal}. */
    static AggregateTestFixture<User> fixture(FixturePortal portal) {
        AggregateTestFixture<User> fixture = new AggregateTestFixture<>(User.class);
        fixture.registerInjectableResource(portal);
        fixture.registerInjectableResource(new InvitationIssuer(Clock.fixed(NOW, ZoneOffset.UTC), TTL, () -> INVITATION));
        CommandFixtures.register(fixture);
        portal.organizations.add(CommandFixtures.ACME);
        portal.organizations.add(CommandFixtures.GLOBEX);
        portal.enabledPortalAdmins.add(CommandFixtures.PORTAL_ADMIN.userId());
        return fixture;
    }

    static Membership member(OrganizationId organization, Role role) {
        return new Membership(organization, role);
    }

    static UserCreated created(Role role, Membership... memberships) {
        return new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, role, List.of(memberships),
                UserSource.PORTAL, null, true);
    }

    /** The invitation the fixtures issue now. */
    static InvitationIssued invited() {
        return new InvitationIssued(TARGET, INVITATION, NOW.plus(TTL));
    }

    static UserCreated createdByIdp(SchemeId scheme, Role role, Membership... memberships) {
        return new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, role, List.of(memberships),
                UserSource.IDP, scheme, false);
    }
}
