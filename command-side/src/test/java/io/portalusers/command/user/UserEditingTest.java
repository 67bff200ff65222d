package io.portalusers.command.user;

import io.portalusers.api.SchemeId;

import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.ChangeMemberships;
import io.portalusers.api.user.ChangePublisherRole;
import io.portalusers.api.user.ChangeUserDetails;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
import static io.portalusers.command.user.Users.created;
import static io.portalusers.command.user.Users.createdByIdp;
import static io.portalusers.command.user.Users.member;

/** Editing users: R-EDIT-1 to R-EDIT-5, with R-ADD-2 and R-STATE-2 where editing meets them. */
class UserEditingTest {

    private static final PersonName BOB = new PersonName("Bob", "Smith");
    private static final EmailAddress NEW_EMAIL = EmailAddress.of("bob@example.com");
    private static final Language GERMAN = Language.of("de");
    private static final SchemeId PORTAL_SCHEME = SchemeId.random();
    private static final SchemeId IDP_SCHEME = SchemeId.random();

    private AggregateTestFixture<User> fixture;
    private final FixturePortal portal = new FixturePortal();

    @BeforeEach
    void setUp() {
        fixture = Users.fixture(portal);
        portal.schemes.put(PORTAL_SCHEME, AuthorizationType.PORTAL);
        portal.schemes.put(IDP_SCHEME, AuthorizationType.IDP);
    }

    private static ChangeUserDetails details() {
        return new ChangeUserDetails(TARGET, BOB, NEW_EMAIL, GERMAN, null);
    }

    private static ChangeMemberships memberships(Membership... memberships) {
        return new ChangeMemberships(TARGET, List.of(memberships), null);
    }

    @Test
    void R_EDIT_2_a_portal_admin_edits_names_email_and_language_each_an_event() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(details(), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new UserNameChanged(TARGET, BOB), new UserEmailChanged(TARGET, NEW_EMAIL),
                        new UserLanguageChanged(TARGET, GERMAN))
                .expectResultMessagePayload(3L);
    }

    @Test
    void R_EDIT_2_what_is_unchanged_appends_nothing() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangeUserDetails(TARGET, NAME, EMAIL, Language.ENGLISH, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void R_EDIT_1_nobody_edits_their_own_account() {
        Actor self = CommandFixtures.PORTAL_ADMIN;
        UserCreated selfCreated = new UserCreated(self.userId(), USERNAME, EMAIL, NAME, Language.ENGLISH,
                Role.PORTAL_ADMIN, List.of(), UserSource.PORTAL, null, false);
        fixture.given(selfCreated)
                .when(new ChangeUserDetails(self.userId(), BOB, null, null, null), by(self))
                .expectException(refusedBy("R-EDIT-1"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_2_no_portal_admin_edits_while_sso_is_enabled() {
        portal.sso = true;
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(details(), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-2"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_3_an_external_idp_users_details_are_not_editable() {
        fixture.given(createdByIdp(PORTAL_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(details(), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-3"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_3_a_portal_admin_edits_the_memberships_of_an_idp_developer_of_a_portal_scheme() {
        fixture.given(createdByIdp(PORTAL_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(memberships(member(ACME, Role.DEVELOPER), member(GLOBEX, Role.DEVELOPER)), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new MembershipsChanged(TARGET, sortedById(member(ACME, Role.DEVELOPER), member(GLOBEX, Role.DEVELOPER))));
    }

    @Test
    void R_EDIT_3_not_those_of_an_idp_developer_whose_scheme_follows_the_identity_provider() {
        fixture.given(createdByIdp(IDP_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(memberships(member(GLOBEX, Role.DEVELOPER)), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-3"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_3_an_idp_publishers_role_is_not_editable() {
        fixture.given(createdByIdp(IDP_SCHEME, Role.API_OWNER))
                .when(new ChangePublisherRole(TARGET, Role.PORTAL_ADMIN, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-3"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_4_an_org_admin_edits_portal_managed_users_of_its_organization() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.DEVELOPER)))
                .when(new ChangeUserDetails(TARGET, BOB, null, null, null), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(new UserNameChanged(TARGET, BOB));
    }

    static Stream<UserCreated> usersAnOrgAdminOfAcmeDoesNotEdit() {
        return Stream.of(
                created(Role.DEVELOPER, member(GLOBEX, Role.DEVELOPER)),
                created(Role.API_OWNER),
                created(Role.PORTAL_ADMIN),
                createdByIdp(PORTAL_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)));
    }

    @ParameterizedTest
    @MethodSource("usersAnOrgAdminOfAcmeDoesNotEdit")
    void R_EDIT_4_an_org_admin_edits_no_one_else(UserCreated target) {
        fixture.given(target)
                .when(new ChangeUserDetails(TARGET, BOB, null, null, null), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    static Stream<Actor> notAdmins() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.DEVELOPER, CommandFixtures.ORG_PUBLISHER);
    }

    @ParameterizedTest
    @MethodSource("notAdmins")
    void R_EDIT_4_other_roles_edit_nobody(Actor actor) {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(details(), by(actor))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_4_an_org_admin_adds_and_removes_memberships_in_its_own_organizations_only() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.DEVELOPER)))
                .when(memberships(member(ACME, Role.ORG_ADMIN), member(GLOBEX, Role.DEVELOPER)), by(CommandFixtures.ORG_ADMIN))
                .expectEvents(new MembershipsChanged(TARGET, sortedById(member(ACME, Role.ORG_ADMIN), member(GLOBEX, Role.DEVELOPER))));
    }

    static Stream<ChangeMemberships> membershipChangesBeyondAcme() {
        return Stream.of(
                memberships(member(ACME, Role.DEVELOPER)),
                memberships(member(ACME, Role.DEVELOPER), member(GLOBEX, Role.ORG_ADMIN)),
                memberships(member(ACME, Role.ORG_PUBLISHER), member(GLOBEX, Role.DEVELOPER)));
    }

    @ParameterizedTest
    @MethodSource("membershipChangesBeyondAcme")
    void R_EDIT_4_an_org_admin_touches_no_other_organization_and_grants_no_publisher_role(ChangeMemberships change) {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER), member(GLOBEX, Role.DEVELOPER)))
                .when(change, by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_2_only_a_developers_memberships_are_edited() {
        fixture.given(created(Role.ORG_ADMIN, member(ACME, Role.ORG_ADMIN)))
                .when(memberships(member(GLOBEX, Role.ORG_ADMIN)), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-2"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_4_a_developer_keeps_at_least_one_membership() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(memberships(), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-4"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_2_a_publishers_role_changes_to_the_other_role_of_its_category() {
        fixture.given(created(Role.API_OWNER))
                .when(new ChangePublisherRole(TARGET, Role.PORTAL_ADMIN, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new AccountRoleChanged(TARGET, Role.PORTAL_ADMIN));
    }

    @Test
    void R_EDIT_2_an_org_users_kind_is_not_a_role_to_edit() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangePublisherRole(TARGET, Role.ORG_ADMIN, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-2"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_5_a_global_publisher_never_becomes_an_org_user_by_its_role() {
        fixture.given(created(Role.API_OWNER))
                .when(new ChangePublisherRole(TARGET, Role.DEVELOPER, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-5"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_5_nor_by_its_memberships() {
        fixture.given(created(Role.API_OWNER))
                .when(memberships(member(ACME, Role.DEVELOPER)), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-EDIT-5"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_4_an_org_admin_changes_no_publishers_role() {
        fixture.given(created(Role.API_OWNER))
                .when(new ChangePublisherRole(TARGET, Role.PORTAL_ADMIN, null), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void R_STATE_2_the_last_enabled_portal_admin_is_not_demoted() {
        UserCreated lastAdmin = created(Role.PORTAL_ADMIN);
        portal.enabledPortalAdmins.clear();
        portal.enabledPortalAdmins.add(TARGET);
        fixture.given(lastAdmin)
                .when(new ChangePublisherRole(TARGET, Role.API_OWNER, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-2"))
                .expectNoEvents();
    }

    @Test
    void R_STATE_2_a_portal_admin_is_demoted_while_another_stays_enabled() {
        portal.enabledPortalAdmins.add(TARGET);
        fixture.given(created(Role.PORTAL_ADMIN))
                .when(new ChangePublisherRole(TARGET, Role.API_OWNER, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new AccountRoleChanged(TARGET, Role.API_OWNER));
    }

    @Test
    void an_edit_against_a_stale_version_is_refused() {
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)), new UserNameChanged(TARGET, BOB))
                .when(new ChangeUserDetails(TARGET, NAME, null, null, 0L), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(ConflictingAggregateVersionException.class)
                .expectNoEvents();
    }

    private static List<Membership> sortedById(Membership... memberships) {
        return Stream.of(memberships).sorted(java.util.Comparator.comparing(m -> m.organizationId().value())).toList();
    }

}
