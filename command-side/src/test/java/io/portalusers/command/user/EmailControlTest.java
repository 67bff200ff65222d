package io.portalusers.command.user;

import io.portalusers.api.user.ChangeUserDetails;
import io.portalusers.api.user.CreateUser;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.ResendActivationEmail;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.command.CommandFixtures;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.portalusers.command.CommandFixtures.ACME;
import static io.portalusers.command.CommandFixtures.GLOBEX;
import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;
import static io.portalusers.command.user.Users.EMAIL;
import static io.portalusers.command.user.Users.NAME;
import static io.portalusers.command.user.Users.TARGET;
import static io.portalusers.command.user.Users.USERNAME;
import static io.portalusers.command.user.Users.created;
import static io.portalusers.command.user.Users.invited;
import static io.portalusers.command.user.Users.member;

/**
 * R-EDIT-6: whoever controls a user's email controls its account, since the activation link
 * goes there. An Org Admin changes the email of, or invites, only a user all of whose
 * organizations it administers; a user also in another organization is the Portal Admin's.
 * The attack this stops: a pending Developer of Acme that is Org Admin of Globex, whose
 * email Acme's Org Admin points at itself before resending the invitation.
 */
class EmailControlTest {

    private static final EmailAddress ATTACKERS = EmailAddress.of("olga.private@example.com");
    private static final PersonName BOB = new PersonName("Bob", "Smith");
    /** A pending Developer of Acme with an Org Admin membership in Globex (R-ADD-5 allows Developers several). */
    private static final UserCreated SHARED = new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH,
            Role.DEVELOPER, List.of(member(ACME, Role.DEVELOPER), member(GLOBEX, Role.ORG_ADMIN)), UserSource.PORTAL,
            null, false);

    private AggregateTestFixture<User> fixture;
    private final FixturePortal portal = new FixturePortal();

    @BeforeEach
    void setUp() {
        fixture = Users.fixture(portal);
    }

    @Test
    void R_EDIT_6_an_org_admin_of_one_of_the_users_organizations_cannot_change_its_email() {
        fixture.given(SHARED)
                .when(new ChangeUserDetails(TARGET, null, ATTACKERS, null, null), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-EDIT-6"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_6_nor_the_name_and_language_that_come_with_such_an_email_change() {
        fixture.given(SHARED)
                .when(new ChangeUserDetails(TARGET, BOB, ATTACKERS, Language.of("de"), null), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-EDIT-6"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_6_the_org_admin_of_the_other_organization_cannot_either() {
        fixture.given(SHARED)
                .when(new ChangeUserDetails(TARGET, null, ATTACKERS, null, null), by(CommandFixtures.GLOBEX_ADMIN))
                .expectException(refusedBy("R-EDIT-6"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_6_an_org_admin_of_one_of_the_users_organizations_cannot_resend_its_activation_email() {
        fixture.given(SHARED, invited())
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-EDIT-6"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_6_an_org_admin_still_edits_the_name_and_language_of_a_user_it_shares() {
        fixture.given(SHARED)
                .when(new ChangeUserDetails(TARGET, BOB, EMAIL, Language.of("de"), null), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(new UserNameChanged(TARGET, BOB), new UserLanguageChanged(TARGET, Language.of("de")));
    }

    @Test
    void R_EDIT_6_an_org_admin_of_every_organization_of_the_user_changes_its_email() {
        fixture.given(SHARED)
                .when(new ChangeUserDetails(TARGET, null, ATTACKERS, null, null), by(CommandFixtures.ACME_AND_GLOBEX_ADMIN))
                .expectEvents(new UserEmailChanged(TARGET, ATTACKERS));
    }

    @Test
    void R_EDIT_6_an_org_admin_of_every_organization_of_the_user_resends_its_activation_email() {
        fixture.given(SHARED)
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.ACME_AND_GLOBEX_ADMIN))
                .expectEvents(invited());
    }

    @Test
    void R_EDIT_6_an_org_admin_changes_the_email_of_a_user_only_in_its_organization() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangeUserDetails(TARGET, null, ATTACKERS, null, null), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(new UserEmailChanged(TARGET, ATTACKERS));
    }

    @Test
    void R_EDIT_6_a_portal_admin_changes_the_email_of_a_user_of_several_organizations() {
        fixture.given(SHARED)
                .when(new ChangeUserDetails(TARGET, null, ATTACKERS, null, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new UserEmailChanged(TARGET, ATTACKERS));
    }

    @Test
    void R_EDIT_6_a_portal_admin_resends_the_activation_email_of_a_user_of_several_organizations() {
        fixture.given(SHARED)
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(invited());
    }

    @Test
    void R_EDIT_6_an_org_admin_invites_the_users_it_adds_since_it_administers_all_their_organizations() {
        fixture.givenNoPriorActivity()
                .when(new CreateUser(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, Role.DEVELOPER,
                        List.of(member(ACME, Role.DEVELOPER)), true), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)),
                        new InvitationIssued(TARGET, Users.INVITATION, Users.NOW.plus(Users.TTL)));
    }
}
