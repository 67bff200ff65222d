package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.BootstrapPortalAdmin;
import io.portalusers.api.user.CreateUser;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.portalusers.command.CommandFixtures.ACME;
import static io.portalusers.command.CommandFixtures.GLOBEX;
import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;
import static io.portalusers.command.user.Users.EMAIL;
import static io.portalusers.command.user.Users.NAME;
import static io.portalusers.command.user.Users.TARGET;
import static io.portalusers.command.user.Users.USERNAME;
import static io.portalusers.command.user.Users.member;

/** Adding users: R-ADD-1 to R-ADD-5 and R-ADD-7 (uniqueness, R-ADD-6, is the lookups' and tested through HTTP). */
class UserCreationTest {

    private AggregateTestFixture<User> fixture;
    private final FixturePortal portal = new FixturePortal();

    @BeforeEach
    void setUp() {
        fixture = Users.fixture(portal);
    }

    private static CreateUser create(Role role, Membership... memberships) {
        return new CreateUser(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, role, List.of(memberships), true);
    }

    private static UserCreated created(Role role, boolean notify, Membership... memberships) {
        return new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, role, List.of(memberships),
                UserSource.PORTAL, null, notify);
    }

    static Stream<CreateUser> anyKindOfUser() {
        return Stream.of(
                create(Role.PORTAL_ADMIN),
                create(Role.API_OWNER),
                create(Role.ORG_ADMIN, member(ACME, Role.ORG_ADMIN)),
                create(Role.ORG_PUBLISHER, member(GLOBEX, Role.ORG_PUBLISHER)),
                create(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.ORG_ADMIN)));
    }

    @ParameterizedTest
    @MethodSource("anyKindOfUser")
    void R_ADD_1_a_portal_admin_adds_any_user(CreateUser command) {
        fixture.givenNoPriorActivity()
                .when(command, by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(created(command.accountRole(), true, command.memberships().toArray(Membership[]::new)),
                        Users.invited());
    }

    @ParameterizedTest
    @MethodSource("anyKindOfUser")
    void R_ADD_2_no_portal_admin_adds_users_while_sso_is_enabled(CreateUser command) {
        portal.sso = true;
        fixture.givenNoPriorActivity()
                .when(command, by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-2"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_2_an_org_admin_still_adds_users_while_sso_is_enabled() {
        portal.sso = true;
        fixture.givenNoPriorActivity()
                .when(create(Role.DEVELOPER, member(ACME, Role.DEVELOPER)), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(created(Role.DEVELOPER, true, member(ACME, Role.DEVELOPER)),
                        Users.invited());
    }

    static Stream<Actor> neitherPortalAdminNorOrgAdmin() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.DEVELOPER, CommandFixtures.ORG_PUBLISHER);
    }

    @ParameterizedTest
    @MethodSource("neitherPortalAdminNorOrgAdmin")
    void R_ADD_1_only_portal_admins_and_org_admins_add_users(Actor actor) {
        fixture.givenNoPriorActivity()
                .when(create(Role.DEVELOPER, member(ACME, Role.DEVELOPER)), by(actor))
                .expectException(refusedBy("R-ADD-1"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_1_a_global_publisher_belongs_to_no_organization() {
        fixture.givenNoPriorActivity()
                .when(create(Role.API_OWNER, member(ACME, Role.DEVELOPER)), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-1"))
                .expectNoEvents();
    }

    static Stream<CreateUser> whatAnOrgAdminAdds() {
        return Stream.of(
                create(Role.DEVELOPER, member(ACME, Role.DEVELOPER)),
                create(Role.DEVELOPER, member(ACME, Role.ORG_ADMIN)),
                create(Role.ORG_ADMIN, member(ACME, Role.ORG_ADMIN)));
    }

    @ParameterizedTest
    @MethodSource("whatAnOrgAdminAdds")
    void R_ADD_3_an_org_admin_adds_developers_and_org_admins_to_its_organization(CreateUser command) {
        fixture.givenNoPriorActivity()
                .when(command, by(CommandFixtures.ORG_ADMIN))
                .expectEvents(created(command.accountRole(), true, command.memberships().toArray(Membership[]::new)),
                        Users.invited());
    }

    static Stream<CreateUser> whatAnOrgAdminDoesNotAdd() {
        return Stream.of(
                create(Role.PORTAL_ADMIN),
                create(Role.API_OWNER),
                create(Role.ORG_PUBLISHER, member(ACME, Role.ORG_PUBLISHER)),
                create(Role.DEVELOPER, member(ACME, Role.ORG_PUBLISHER)),
                create(Role.DEVELOPER, member(GLOBEX, Role.DEVELOPER)),
                create(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.DEVELOPER)),
                create(Role.ORG_ADMIN, member(GLOBEX, Role.ORG_ADMIN)),
                create(Role.DEVELOPER, member(OrganizationId.random(), Role.DEVELOPER)));
    }

    @ParameterizedTest
    @MethodSource("whatAnOrgAdminDoesNotAdd")
    void R_ADD_3_an_org_admin_adds_nothing_else(CreateUser command) {
        fixture.givenNoPriorActivity()
                .when(command, by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-ADD-3"))
                .expectNoEvents();
    }

    @ParameterizedTest
    @EnumSource(value = Role.class, names = {"ORG_ADMIN", "ORG_PUBLISHER", "DEVELOPER"})
    void R_ADD_4_an_org_user_has_at_least_one_membership(Role role) {
        fixture.givenNoPriorActivity()
                .when(create(role), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-4"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_4_every_organization_named_exists() {
        fixture.givenNoPriorActivity()
                .when(create(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(OrganizationId.random(), Role.DEVELOPER)),
                        by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-4"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_4_an_organization_is_named_once() {
        fixture.givenNoPriorActivity()
                .when(create(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(ACME, Role.ORG_ADMIN)),
                        by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-4"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_5_a_developer_is_mapped_to_several_organizations_each_with_its_role() {
        fixture.givenNoPriorActivity()
                .when(create(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.ORG_PUBLISHER)),
                        by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(created(Role.DEVELOPER, true, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.ORG_PUBLISHER)),
                        Users.invited());
    }

    static Stream<CreateUser> orgAdminOrPublisherWithOtherThanOneOwnMembership() {
        return Stream.of(
                create(Role.ORG_ADMIN, member(ACME, Role.ORG_ADMIN), member(GLOBEX, Role.ORG_ADMIN)),
                create(Role.ORG_PUBLISHER, member(ACME, Role.ORG_PUBLISHER), member(GLOBEX, Role.ORG_PUBLISHER)),
                create(Role.ORG_ADMIN, member(ACME, Role.DEVELOPER)),
                create(Role.ORG_PUBLISHER, member(ACME, Role.ORG_ADMIN)));
    }

    @ParameterizedTest
    @MethodSource("orgAdminOrPublisherWithOtherThanOneOwnMembership")
    void R_ADD_5_org_admin_and_org_publisher_accounts_have_exactly_one_membership_in_their_role(CreateUser command) {
        fixture.givenNoPriorActivity()
                .when(command, by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-5"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_7_a_new_user_records_whether_the_admin_asked_to_notify_it() {
        CreateUser quietly = new CreateUser(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, Role.API_OWNER, List.of(), false);
        fixture.givenNoPriorActivity()
                .when(quietly, by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(created(Role.API_OWNER, false));
    }

    @Test
    void R_STATE_1_a_disabled_portal_admin_adds_nobody() {
        fixture.givenNoPriorActivity()
                .when(create(Role.API_OWNER), by(CommandFixtures.DISABLED_PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }

    @Test
    void R_SET_2_the_bootstrap_portal_admin_is_created_pending_and_invited_so_that_it_can_set_a_password() {
        fixture.givenNoPriorActivity()
                .when(new BootstrapPortalAdmin(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, true))
                .expectEvents(created(Role.PORTAL_ADMIN, true), Users.invited());
    }

    @Test
    void R_SET_2_a_bootstrap_portal_admin_configured_not_to_be_invited_is_created_pending_without_a_link() {
        fixture.givenNoPriorActivity()
                .when(new BootstrapPortalAdmin(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, false))
                .expectEvents(created(Role.PORTAL_ADMIN, false));
    }
}
