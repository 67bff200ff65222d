package io.portalusers.command.user;

import io.portalusers.api.SchemeId;
import io.portalusers.api.user.DisableUser;
import io.portalusers.api.user.EnableUser;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserSource;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.portalusers.command.CommandFixtures.ACME;
import static io.portalusers.command.CommandFixtures.GLOBEX;
import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;
import static io.portalusers.command.user.Users.EMAIL;
import static io.portalusers.command.user.Users.NAME;
import static io.portalusers.command.user.Users.TARGET;
import static io.portalusers.command.user.Users.USERNAME;
import static io.portalusers.command.user.Users.created;
import static io.portalusers.command.user.Users.createdByIdp;
import static io.portalusers.command.user.Users.member;

/** Enabling and disabling: R-STATE-1 and R-STATE-2, with R-EDIT-1 and R-ADD-2. */
class UserStateTest {

    private AggregateTestFixture<User> fixture;
    private final FixturePortal portal = new FixturePortal();

    @BeforeEach
    void setUp() {
        fixture = Users.fixture(portal);
    }

    static Stream<UserCreated> anyAccount() {
        return Stream.of(
                created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)),
                created(Role.API_OWNER),
                createdByIdp(SchemeId.random(), Role.DEVELOPER, member(GLOBEX, Role.DEVELOPER)),
                createdByIdp(SchemeId.random(), Role.API_OWNER));
    }

    @ParameterizedTest
    @MethodSource("anyAccount")
    void R_STATE_1_a_portal_admin_disables_and_enables_any_account_idp_users_included(UserCreated account) {
        fixture.given(account)
                .when(new DisableUser(TARGET, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new UserDisabled(TARGET));
        fixture.given(account, new UserDisabled(TARGET))
                .when(new EnableUser(TARGET, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new UserEnabled(TARGET));
    }

    @Test
    void R_ADD_2_but_not_while_sso_is_enabled() {
        portal.sso = true;
        fixture.given(created(Role.API_OWNER))
                .when(new DisableUser(TARGET, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-2"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_1_nobody_disables_their_own_account() {
        Actor self = CommandFixtures.ORG_ADMIN;
        fixture.given(new UserCreated(self.userId(), USERNAME, EMAIL, NAME, Language.ENGLISH, Role.ORG_ADMIN,
                        self.memberships(), UserSource.PORTAL, null, false))
                .when(new DisableUser(self.userId(), null), by(self))
                .expectException(refusedBy("R-EDIT-1"))
                .expectNoEvents();
    }

    @Test
    void R_STATE_1_an_org_admin_disables_portal_managed_users_of_its_organization() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new DisableUser(TARGET, null), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(new UserDisabled(TARGET));
    }

    static Stream<UserCreated> accountsAnOrgAdminOfAcmeDoesNotTouch() {
        return Stream.of(
                created(Role.DEVELOPER, member(GLOBEX, Role.DEVELOPER)),
                created(Role.PORTAL_ADMIN),
                createdByIdp(SchemeId.random(), Role.DEVELOPER, member(ACME, Role.DEVELOPER)));
    }

    @ParameterizedTest
    @MethodSource("accountsAnOrgAdminOfAcmeDoesNotTouch")
    void R_STATE_1_an_org_admin_disables_no_one_else(UserCreated account) {
        fixture.given(account)
                .when(new DisableUser(TARGET, null), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }

    static Stream<Actor> notAdmins() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.DEVELOPER, CommandFixtures.ORG_PUBLISHER,
                CommandFixtures.GLOBEX_ADMIN);
    }

    @ParameterizedTest
    @MethodSource("notAdmins")
    void R_STATE_1_other_roles_enable_and_disable_nobody(Actor actor) {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)), new UserDisabled(TARGET))
                .when(new EnableUser(TARGET, null), by(actor))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }

    @Test
    void disabling_a_disabled_user_appends_nothing() {
        fixture.given(created(Role.API_OWNER), new UserDisabled(TARGET))
                .when(new DisableUser(TARGET, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectNoEvents()
                .expectResultMessagePayload(1L);
    }

    @Test
    void R_STATE_2_the_last_enabled_portal_admin_is_not_disabled() {
        portal.enabledPortalAdmins.clear();
        portal.enabledPortalAdmins.add(TARGET);
        fixture.given(created(Role.PORTAL_ADMIN))
                .when(new DisableUser(TARGET, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-2"))
                .expectNoEvents();
    }

    @Test
    void R_STATE_2_a_portal_admin_is_disabled_while_another_stays_enabled() {
        portal.enabledPortalAdmins.add(TARGET);
        fixture.given(created(Role.PORTAL_ADMIN))
                .when(new DisableUser(TARGET, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new UserDisabled(TARGET));
    }
}
