package io.portalusers.command.user;

import io.portalusers.api.SchemeId;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.authscheme.UpdateIdpUser;
import io.portalusers.api.user.ChangeMemberships;
import io.portalusers.api.user.ChangePublisherRole;
import io.portalusers.api.user.ChangeUserDetails;
import io.portalusers.api.user.CreateUser;
import io.portalusers.api.user.DisableUser;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.EnableUser;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.Username;
import io.portalusers.command.CommandFixtures;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.portalusers.command.CommandFixtures.ACME;
import static io.portalusers.command.CommandFixtures.GLOBEX;
import static io.portalusers.command.CommandFixtures.SCIM_CLIENT;
import static io.portalusers.command.CommandFixtures.SCIM_SCHEME;
import static io.portalusers.command.CommandFixtures.byClient;
import static io.portalusers.command.CommandFixtures.refusedBy;
import static io.portalusers.command.user.Users.TARGET;
import static io.portalusers.command.user.Users.created;
import static io.portalusers.command.user.Users.createdByIdp;
import static io.portalusers.command.user.Users.member;

/**
 * An identity provider's SCIM client acting on users: it keeps the details and the state of the
 * external IdP users of its own scheme (R-EDIT-3, R-STATE-1), their organizations only where the
 * scheme follows the identity provider (R-AUTH-1), and touches nobody else.
 */
class ScimClientRulesTest {

    private static final PersonName NEW_NAME = new PersonName("Ada", "Lovelace");
    private static final EmailAddress NEW_EMAIL = EmailAddress.of("ada@idp.example");
    private static final Language GERMAN = Language.of("de");

    private AggregateTestFixture<User> fixture;
    private final FixturePortal portal = new FixturePortal();

    @BeforeEach
    void setUp() {
        fixture = Users.fixture(portal);
        portal.schemes.put(SCIM_SCHEME, AuthorizationType.IDP);
        // no attributes in these commands: the scheme's mappings and the subject links are not read
        fixture.registerAnnotatedCommandHandler(new IdpProvisioning(fixture.getRepository(), null, null, portal, null));
    }

    /** A SCIM replace of the details and the state, without attributes, as of {@code expectedVersion}. */
    private static UpdateIdpUser replace(PersonName name, Language language, Boolean active, Long expectedVersion) {
        return new UpdateIdpUser(TARGET, SCIM_SCHEME, null, name, null, language, Map.of(), active, expectedVersion);
    }

    @Test
    void a_scim_replace_is_one_change_applied_whole_as_of_the_version_it_names() {
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(replace(NEW_NAME, GERMAN, false, 0L), byClient(SCIM_CLIENT))
                .expectEvents(new UserNameChanged(TARGET, NEW_NAME), new UserLanguageChanged(TARGET, GERMAN),
                        new UserDisabled(TARGET))
                .expectResultMessagePayload(3L);
    }

    @Test
    void a_scim_replace_as_of_an_older_version_is_refused_whole() {
        // the user changed after the client read it at version 0: none of the replace is applied
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)),
                        new UserEmailChanged(TARGET, NEW_EMAIL))
                .when(replace(NEW_NAME, GERMAN, false, 0L), byClient(SCIM_CLIENT))
                .expectException(ConflictingAggregateVersionException.class)
                .expectNoEvents();
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)),
                        new UserEmailChanged(TARGET, NEW_EMAIL))
                .when(replace(NEW_NAME, GERMAN, false, 1L), byClient(SCIM_CLIENT))
                .expectEvents(new UserNameChanged(TARGET, NEW_NAME), new UserLanguageChanged(TARGET, GERMAN),
                        new UserDisabled(TARGET));
    }

    @Test
    void R_STATE_2_a_scim_replace_whose_last_part_is_refused_applies_none_of_its_first() {
        portal.enabledPortalAdmins.clear();
        portal.enabledPortalAdmins.add(TARGET);
        fixture.given(createdByIdp(SCIM_SCHEME, Role.PORTAL_ADMIN))
                .when(replace(NEW_NAME, null, false, null), byClient(SCIM_CLIENT))
                .expectException(refusedBy("R-STATE-2"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_3_the_scim_client_of_the_users_scheme_keeps_its_details_sso_on_or_off() {
        portal.sso = true;
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangeUserDetails(TARGET, NEW_NAME, NEW_EMAIL, null, null), byClient(SCIM_CLIENT))
                .expectEvents(new UserNameChanged(TARGET, NEW_NAME), new UserEmailChanged(TARGET, NEW_EMAIL));
    }

    @Test
    void R_STATE_1_the_scim_client_disables_and_enables_its_schemes_users() {
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new DisableUser(TARGET, null), byClient(SCIM_CLIENT))
                .expectEvents(new UserDisabled(TARGET));
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)), new UserDisabled(TARGET))
                .when(new EnableUser(TARGET, null), byClient(SCIM_CLIENT))
                .expectEvents(new UserEnabled(TARGET));
    }

    @Test
    void R_AUTH_1_with_idp_authorization_the_scim_client_moves_its_users_between_organizations() {
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangeMemberships(TARGET, List.of(member(GLOBEX, Role.ORG_ADMIN)), null), byClient(SCIM_CLIENT))
                .expectEvents(new MembershipsChanged(TARGET, List.of(member(GLOBEX, Role.ORG_ADMIN))));
    }

    @Test
    void R_EDIT_3_with_portal_authorization_organizations_are_assigned_in_the_portal() {
        portal.schemes.put(SCIM_SCHEME, AuthorizationType.PORTAL);
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangeMemberships(TARGET, List.of(member(GLOBEX, Role.DEVELOPER)), null), byClient(SCIM_CLIENT))
                .expectException(refusedBy("R-EDIT-3"))
                .expectNoEvents();
    }

    @Test
    void the_scim_client_touches_no_user_of_another_scheme_and_no_portal_managed_one() {
        SchemeId another = SchemeId.random();
        portal.schemes.put(another, AuthorizationType.IDP);
        fixture.given(createdByIdp(another, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new DisableUser(TARGET, null), byClient(SCIM_CLIENT))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
        fixture.given(created(Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new ChangeUserDetails(TARGET, NEW_NAME, null, null, null), byClient(SCIM_CLIENT))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void the_scim_client_holds_no_role_so_no_admin_rule_lets_it_through() {
        fixture.givenNoPriorActivity()
                .when(new CreateUser(TARGET, Username.of("newbie"), NEW_EMAIL, NEW_NAME, Language.ENGLISH,
                        Role.DEVELOPER, List.of(member(ACME, Role.DEVELOPER)), false), byClient(SCIM_CLIENT))
                .expectException(refusedBy("R-ADD-1"))
                .expectNoEvents();
        fixture.given(createdByIdp(SCIM_SCHEME, Role.API_OWNER))
                .when(new ChangePublisherRole(TARGET, Role.PORTAL_ADMIN, null), byClient(SCIM_CLIENT))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void a_machine_client_that_is_no_scim_client_is_no_actor() {
        fixture.given(createdByIdp(SCIM_SCHEME, Role.DEVELOPER, member(ACME, Role.DEVELOPER)))
                .when(new DisableUser(TARGET, null), byClient("reporting"))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }
}
