package io.portalusers.command.user;

import io.portalusers.api.SchemeId;
import io.portalusers.api.user.ActivateAccount;
import io.portalusers.api.user.CreateUser;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.ResendActivationEmail;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserSource;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.portalusers.command.CommandFixtures.ACME;
import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;
import static io.portalusers.command.user.Users.EMAIL;
import static io.portalusers.command.user.Users.INVITATION;
import static io.portalusers.command.user.Users.NAME;
import static io.portalusers.command.user.Users.NOW;
import static io.portalusers.command.user.Users.TARGET;
import static io.portalusers.command.user.Users.USERNAME;
import static io.portalusers.command.user.Users.created;
import static io.portalusers.command.user.Users.createdByIdp;
import static io.portalusers.command.user.Users.invited;
import static io.portalusers.command.user.Users.member;

/** Invitations and activation: R-ADD-7, R-ACT-1, R-ACT-2, R-ACT-4, with R-STATE-1. */
class InvitationTest {

    private static final InvitationId EARLIER = InvitationId.random();
    private static final UserCreated DEVELOPER = created(Role.DEVELOPER, member(ACME, Role.DEVELOPER));
    private static final UserCreated NOT_NOTIFIED = new UserCreated(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH,
            Role.DEVELOPER, List.of(member(ACME, Role.DEVELOPER)), UserSource.PORTAL, null, false);
    private static final ActivateAccount ACTIVATE = new ActivateAccount(TARGET, INVITATION);

    private AggregateTestFixture<User> fixture;
    private final FixturePortal portal = new FixturePortal();

    @BeforeEach
    void setUp() {
        fixture = Users.fixture(portal);
    }

    @Test
    void R_ADD_7_a_user_added_with_notify_is_invited_at_once_for_72_hours() {
        fixture.givenNoPriorActivity()
                .when(new CreateUser(TARGET, USERNAME, EMAIL, NAME, Language.ENGLISH, Role.DEVELOPER,
                        List.of(member(ACME, Role.DEVELOPER)), true), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(DEVELOPER, new InvitationIssued(TARGET, INVITATION, NOW.plusSeconds(72 * 3600)));
    }

    static Stream<Actor> mayEditTheUser() {
        return Stream.of(CommandFixtures.PORTAL_ADMIN, CommandFixtures.ORG_ADMIN);
    }

    @ParameterizedTest
    @MethodSource("mayEditTheUser")
    void R_ADD_7_who_may_edit_a_pending_user_resends_its_invitation_also_when_notify_was_off(Actor actor) {
        fixture.given(NOT_NOTIFIED)
                .when(new ResendActivationEmail(TARGET), by(actor))
                .expectEvents(invited());
    }

    @Test
    void R_ACT_2_a_resend_replaces_the_earlier_invitation() {
        fixture.given(DEVELOPER, new InvitationIssued(TARGET, EARLIER, NOW.plusSeconds(3600)))
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(invited());
        fixture.given(DEVELOPER, new InvitationIssued(TARGET, EARLIER, NOW.plusSeconds(3600)), invited())
                .when(new ActivateAccount(TARGET, EARLIER))
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_4_an_org_admin_of_another_organization_resends_nothing() {
        fixture.given(DEVELOPER)
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.GLOBEX_ADMIN))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void R_EDIT_4_a_developer_resends_nothing() {
        fixture.given(DEVELOPER)
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.DEVELOPER))
                .expectException(refusedBy("R-EDIT-4"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_2_a_portal_admin_resends_nothing_while_sso_is_enabled() {
        portal.sso = true;
        fixture.given(DEVELOPER)
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-2"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_7_an_active_account_is_not_invited_again() {
        fixture.given(DEVELOPER, invited(), new UserActivated(TARGET))
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-7"))
                .expectNoEvents();
    }

    @Test
    void R_ADD_7_an_external_idp_user_is_not_invited() {
        fixture.given(createdByIdp(SchemeId.random(), Role.API_OWNER))
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-ADD-7"))
                .expectNoEvents();
    }

    @Test
    void R_STATE_1_a_disabled_user_is_not_invited() {
        fixture.given(DEVELOPER, new UserDisabled(TARGET))
                .when(new ResendActivationEmail(TARGET), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_1_the_latest_invitation_activates_the_account() {
        fixture.given(DEVELOPER, invited())
                .when(ACTIVATE)
                .expectEvents(new UserActivated(TARGET));
    }

    @Test
    void R_ACT_2_an_invitation_activates_until_its_deadline_and_not_at_it() {
        fixture.given(DEVELOPER, new InvitationIssued(TARGET, INVITATION, NOW.plusMillis(1)))
                .when(ACTIVATE)
                .expectEvents(new UserActivated(TARGET));
        fixture.given(DEVELOPER, new InvitationIssued(TARGET, INVITATION, NOW))
                .when(ACTIVATE)
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_2_an_invitation_is_used_once() {
        fixture.given(DEVELOPER, invited(), new UserActivated(TARGET))
                .when(ACTIVATE)
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_2_an_invitation_binds_its_user_only() {
        fixture.given(DEVELOPER, invited())
                .when(new ActivateAccount(TARGET, InvitationId.random()))
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_2_an_email_change_voids_the_invitation() {
        fixture.given(DEVELOPER, invited(), new UserEmailChanged(TARGET, EmailAddress.of("new@example.com")))
                .when(ACTIVATE)
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_4_a_disabled_user_cannot_activate() {
        fixture.given(DEVELOPER, invited(), new UserDisabled(TARGET))
                .when(ACTIVATE)
                .expectException(refusedBy("R-ACT-4"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_2_enabling_again_does_not_revive_the_invitation_voided_by_the_disable() {
        fixture.given(DEVELOPER, invited(), new UserDisabled(TARGET), new UserEnabled(TARGET))
                .when(ACTIVATE)
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }

    @Test
    void R_ACT_2_a_user_added_without_notify_has_no_invitation_to_activate_with() {
        fixture.given(NOT_NOTIFIED)
                .when(ACTIVATE)
                .expectException(refusedBy("R-ACT-2"))
                .expectNoEvents();
    }
}
