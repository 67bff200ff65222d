package io.portalusers.command.registration;

import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.registration.ApproveRegistration;
import io.portalusers.api.registration.CompleteRegistration;
import io.portalusers.api.registration.DuplicateRegistrationAttempted;
import io.portalusers.api.registration.DuplicateRegistrationNamesReserved;
import io.portalusers.api.registration.FailRegistration;
import io.portalusers.api.registration.RegistrationAccepted;
import io.portalusers.api.registration.RegistrationCompleted;
import io.portalusers.api.registration.RegistrationExpired;
import io.portalusers.api.registration.RegistrationFailed;
import io.portalusers.api.registration.RegistrationId;
import io.portalusers.api.registration.RegistrationRejected;
import io.portalusers.api.registration.RegistrationSubmitted;
import io.portalusers.api.registration.RejectRegistration;
import io.portalusers.api.registration.SubmitRegistration;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.ConflictException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;

class RegistrationTest {

    static final RegistrationId ID = RegistrationId.random();
    static final Username USERNAME = Username.of("wile");
    static final EmailAddress EMAIL = EmailAddress.of("wile@coyote.example");
    static final PersonName NAME = new PersonName("Wile E.", "Coyote");
    static final Language LANGUAGE = Language.of("de");
    static final OrganizationName ORGANIZATION = OrganizationName.of("Coyote Supplies");
    static final Duration EXPIRY = Duration.ofDays(30);

    private AggregateTestFixture<Registration> fixture;
    private Checks checks;
    private Instant now;

    /** The lookups as each test's given has them. */
    static class Checks implements RegistrationChecks {
        PortalSettings settings = new PortalSettings(false, true, false);
        final Set<String> organizationNames = new HashSet<>();
        final Map<String, UserId> emails = new HashMap<>();
        final Map<String, UserId> usernames = new HashMap<>();
        final Set<String> reservedUsernames = new HashSet<>();

        @Override
        public PortalSettings settings() {
            return settings;
        }

        @Override
        public boolean organizationNameTaken(OrganizationName name) {
            return organizationNames.contains(name.key());
        }

        @Override
        public Optional<UserId> userWithEmail(EmailAddress email) {
            return Optional.ofNullable(emails.get(email.key()));
        }

        @Override
        public Optional<UserId> userWithUsername(Username username) {
            return Optional.ofNullable(usernames.get(username.key()));
        }

        @Override
        public boolean usernameReserved(Username username) {
            return reservedUsernames.contains(username.key());
        }
    }

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Registration.class);
        now = fixture.currentTime();
        checks = new Checks();
        fixture.registerInjectableResource(checks);
        fixture.registerInjectableResource(new RegistrationExpiry(Clock.fixed(now, ZoneOffset.UTC), EXPIRY));
        CommandFixtures.register(fixture);
    }

    static SubmitRegistration submit() {
        return new SubmitRegistration(ID, USERNAME, EMAIL, NAME, LANGUAGE, ORGANIZATION, true);
    }

    RegistrationSubmitted pending() {
        return new RegistrationSubmitted(ID, USERNAME, EMAIL, NAME, LANGUAGE, ORGANIZATION, true, now.plus(EXPIRY));
    }

    static RegistrationAccepted accepted(boolean approved) {
        return new RegistrationAccepted(ID, Registration.organizationIdOf(ID), Registration.userIdOf(ID), USERNAME,
                EMAIL, NAME, LANGUAGE, ORGANIZATION, approved);
    }

    static Matcher<ConflictException> conflictBy(String code) {
        return new FeatureMatcher<>(Matchers.equalTo(code), "a conflict by", "code") {
            @Override
            protected String featureValueOf(ConflictException actual) {
                return actual.code();
            }
        };
    }

    @Test
    void R_REG_1_without_the_workflow_a_registration_is_accepted_at_once() {
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectSuccessfulHandlerExecution()
                .expectEvents(new RegistrationSubmitted(ID, USERNAME, EMAIL, NAME, LANGUAGE, ORGANIZATION, false, null),
                        accepted(false))
                .expectNoScheduledDeadlines();
    }

    @Test
    void R_REG_1_refused_while_third_party_registration_is_disabled() {
        checks.settings = new PortalSettings(false, false, true);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectException(refusedBy("R-REG-1"))
                .expectNoEvents();
    }

    @Test
    void R_REG_1_a_taken_organization_name_is_refused_whatever_its_case() {
        checks.organizationNames.add(OrganizationName.of("COYOTE supplies").key());
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectException(conflictBy("R-REG-1"))
                .expectNoEvents();
    }

    @Test
    void R_REG_1_the_terms_must_be_accepted() {
        fixture.givenNoPriorActivity()
                .when(new SubmitRegistration(ID, USERNAME, EMAIL, NAME, LANGUAGE, ORGANIZATION, false))
                .expectException(refusedBy("R-REG-1"))
                .expectNoEvents();
    }

    @Test
    void R_REG_2_with_the_workflow_the_request_waits_for_a_decision_until_it_expires() {
        checks.settings = new PortalSettings(false, true, true);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectEvents(pending())
                .expectScheduledDeadlineWithName(now.plus(EXPIRY), Registration.EXPIRY_DEADLINE);
    }

    @Test
    void R_REG_2_a_portal_admin_approves_a_pending_request() {
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(accepted(true))
                .expectResultMessagePayload(1L);
    }

    static Stream<Actor> notPortalAdmins() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.ORG_ADMIN, CommandFixtures.DEVELOPER);
    }

    @ParameterizedTest
    @MethodSource("notPortalAdmins")
    void R_REG_2_nobody_else_approves(Actor actor) {
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(actor))
                .expectException(refusedBy("R-REG-2"))
                .expectNoEvents();
    }

    @ParameterizedTest
    @MethodSource("notPortalAdmins")
    void R_REG_2_nobody_else_rejects(Actor actor) {
        fixture.given(pending())
                .when(new RejectRegistration(ID, "spam"), by(actor))
                .expectException(refusedBy("R-REG-2"))
                .expectNoEvents();
    }

    /** A disabled Portal Admin is refused before its role is looked at: by R-STATE-1, not R-REG-2. */
    @Test
    void R_STATE_1_a_disabled_portal_admin_approves_and_rejects_nothing() {
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(CommandFixtures.DISABLED_PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
        fixture.given(pending())
                .when(new RejectRegistration(ID, "spam"), by(CommandFixtures.DISABLED_PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }

    @Test
    void R_REG_2_an_org_admin_is_refused_by_the_rule() {
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(CommandFixtures.ORG_ADMIN))
                .expectException(refusedBy("R-REG-2"));
    }

    @Test
    void R_REG_2_a_rejection_needs_a_reason_and_creates_nothing() {
        fixture.given(pending())
                .when(new RejectRegistration(ID, "  "), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(refusedBy("R-REG-2"))
                .expectNoEvents();
        fixture.given(pending())
                .when(new RejectRegistration(ID, "not a company"), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new RegistrationRejected(ID, EMAIL, NAME, LANGUAGE, ORGANIZATION, "not a company"));
    }

    @Test
    void R_REG_2_a_decided_request_is_decided_once() {
        fixture.given(pending(), new RegistrationRejected(ID, EMAIL, NAME, LANGUAGE, ORGANIZATION, "no"))
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-REG-2"))
                .expectNoEvents();
        fixture.given(pending(), accepted(true))
                .when(new RejectRegistration(ID, "changed my mind"), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-REG-2"))
                .expectNoEvents();
    }

    @Test
    void R_REG_1_an_approval_is_refused_when_the_organization_name_was_taken_meanwhile_and_the_request_stays_pending() {
        checks.organizationNames.add(ORGANIZATION.key());
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-REG-1"))
                .expectNoEvents();
        checks.organizationNames.clear();
        fixture.given(pending())
                .when(new RejectRegistration(ID, "the name is taken"), by(CommandFixtures.PORTAL_ADMIN))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void an_approval_is_refused_when_the_email_belongs_to_a_user_by_now() {
        checks.emails.put(EMAIL.key(), UserId.random());
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-ADD-6"))
                .expectNoEvents();
    }

    private static final UserId OWNER = UserId.random();

    static DuplicateRegistrationAttempted duplicate(UserId emailOwner, UserId usernameOwner) {
        return new DuplicateRegistrationAttempted(ID, USERNAME, EMAIL, NAME, LANGUAGE, ORGANIZATION, emailOwner,
                usernameOwner);
    }

    /**
     * R-REG-4: without the workflow an existing email reserves the organization name, as the
     * acceptance of a fresh one does (two events, one of which the name lookup takes), and
     * creates nothing: no acceptance, so no organization or user follow.
     */
    @Test
    void R_REG_4_without_the_workflow_an_existing_email_reserves_the_organization_name_and_creates_nothing() {
        checks.emails.put(EmailAddress.of("WILE@coyote.example").key(), OWNER);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectSuccessfulHandlerExecution()
                .expectEvents(duplicate(OWNER, null), new DuplicateRegistrationNamesReserved(ID, ORGANIZATION, USERNAME))
                .expectNoScheduledDeadlines();
    }

    @Test
    void R_REG_4_without_the_workflow_an_existing_username_reserves_the_organization_name_and_creates_nothing() {
        checks.usernames.put(USERNAME.key(), OWNER);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectSuccessfulHandlerExecution()
                .expectEvents(duplicate(null, OWNER), new DuplicateRegistrationNamesReserved(ID, ORGANIZATION, USERNAME))
                .expectNoScheduledDeadlines();
    }

    /**
     * R-REG-4: a username another registration holds (accepted, its user not created yet; or
     * reserved by one that named an existing email) is taken, as a user's is: the request is a
     * duplicate with no owner to notify but the address it came with, and reserves as one.
     */
    @Test
    void R_REG_4_a_username_a_registration_holds_is_taken() {
        checks.reservedUsernames.add(Username.of("WILE").key());
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectSuccessfulHandlerExecution()
                .expectEvents(duplicate(null, null), new DuplicateRegistrationNamesReserved(ID, ORGANIZATION, USERNAME))
                .expectNoScheduledDeadlines();
    }

    @Test
    void R_ADD_6_an_approval_is_refused_when_a_registration_holds_the_username_by_now() {
        checks.reservedUsernames.add(USERNAME.key());
        fixture.given(pending())
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-ADD-6"))
                .expectNoEvents();
    }

    /** R-REG-4: with the workflow an existing email schedules the expiry a fresh request gets. */
    @Test
    void R_REG_4_with_the_workflow_an_existing_email_schedules_the_expiry_as_a_fresh_one_does() {
        checks.settings = new PortalSettings(false, true, true);
        checks.emails.put(EMAIL.key(), OWNER);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectSuccessfulHandlerExecution()
                .expectEvents(duplicate(OWNER, null))
                .expectScheduledDeadlineWithName(now.plus(EXPIRY), Registration.EXPIRY_DEADLINE);
    }

    @Test
    void R_REG_4_with_the_workflow_an_existing_username_schedules_the_expiry_as_a_fresh_one_does() {
        checks.settings = new PortalSettings(false, true, true);
        checks.usernames.put(USERNAME.key(), OWNER);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectSuccessfulHandlerExecution()
                .expectEvents(duplicate(null, OWNER))
                .expectScheduledDeadlineWithName(now.plus(EXPIRY), Registration.EXPIRY_DEADLINE);
    }

    /** R-REG-4: the deadline of a duplicate finds nothing pending and appends nothing. */
    @Test
    void R_REG_4_the_expiry_of_a_duplicate_appends_nothing() {
        checks.settings = new PortalSettings(false, true, true);
        checks.emails.put(EMAIL.key(), OWNER);
        fixture.givenCommands(submit())
                .whenTimeElapses(EXPIRY.plusSeconds(1))
                .expectTriggeredDeadlinesWithName(Registration.EXPIRY_DEADLINE)
                .expectNoEvents();
    }

    /** R-REG-4: a taken organization name is refused before anything else, whoever's address it comes with. */
    @Test
    void R_REG_4_a_taken_organization_name_is_refused_alike_for_an_existing_email_and_appends_nothing() {
        checks.emails.put(EMAIL.key(), OWNER);
        checks.organizationNames.add(ORGANIZATION.key());
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectException(conflictBy("R-REG-1"))
                .expectNoEvents();
    }

    @Test
    void R_REG_4_registration_closed_refuses_an_existing_email_alike_and_appends_nothing() {
        checks.settings = new PortalSettings(false, false, false);
        checks.emails.put(EMAIL.key(), OWNER);
        fixture.givenNoPriorActivity()
                .when(submit())
                .expectException(refusedBy("R-REG-1"))
                .expectNoEvents();
    }

    /** A duplicate is no request: nothing completes it, fails it, or decides on it. */
    @Test
    void R_REG_4_a_duplicate_is_never_completed() {
        fixture.given(duplicate(OWNER, null), new DuplicateRegistrationNamesReserved(ID, ORGANIZATION, USERNAME))
                .when(new CompleteRegistration(ID))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void R_REG_4_a_duplicate_is_never_failed() {
        fixture.given(duplicate(OWNER, null), new DuplicateRegistrationNamesReserved(ID, ORGANIZATION, USERNAME))
                .when(new FailRegistration(ID, "R-ADD-6"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void R_REG_4_a_duplicate_is_not_approved() {
        fixture.given(duplicate(OWNER, null))
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-REG-2"))
                .expectNoEvents();
    }

    @Test
    void a_pending_request_expires_with_an_event_when_nobody_decides() {
        checks.settings = new PortalSettings(false, true, true);
        fixture.givenCommands(submit())
                .whenTimeElapses(EXPIRY.plusSeconds(1))
                .expectEvents(new RegistrationExpired(ID, EMAIL, NAME, LANGUAGE, ORGANIZATION));
    }

    @Test
    void a_decided_request_does_not_expire() {
        checks.settings = new PortalSettings(false, true, true);
        fixture.givenCommands(List.of(submit(), GenericCommandMessage.asCommandMessage(new RejectRegistration(ID, "no"))
                        .andMetaData(by(CommandFixtures.PORTAL_ADMIN))))
                .whenTimeElapses(EXPIRY.plusSeconds(1))
                .expectNoEvents();
    }

    @Test
    void an_expired_request_is_not_approved_even_before_its_deadline_ran() {
        fixture.given(new RegistrationSubmitted(ID, USERNAME, EMAIL, NAME, LANGUAGE, ORGANIZATION, true,
                        now.minusSeconds(1)))
                .when(new ApproveRegistration(ID), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(conflictBy("R-REG-2"))
                .expectNoEvents();
    }

    @Test
    void completion_and_failure_are_reported_once() {
        fixture.given(pending(), accepted(true))
                .when(new CompleteRegistration(ID))
                .expectEvents(new RegistrationCompleted(ID, Registration.organizationIdOf(ID), Registration.userIdOf(ID)));
        fixture.given(pending(), accepted(true),
                        new RegistrationCompleted(ID, Registration.organizationIdOf(ID), Registration.userIdOf(ID)))
                .when(new CompleteRegistration(ID))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(pending(), accepted(true))
                .when(new FailRegistration(ID, "R-ADD-6"))
                .expectEvents(new RegistrationFailed(ID, EMAIL, NAME, LANGUAGE, ORGANIZATION, "R-ADD-6"));
    }
}
