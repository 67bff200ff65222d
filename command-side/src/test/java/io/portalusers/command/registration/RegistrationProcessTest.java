package io.portalusers.command.registration;

import io.portalusers.api.registration.CompleteRegistration;
import io.portalusers.api.registration.CreateRegisteredAccount;
import io.portalusers.api.registration.FailRegistration;
import io.portalusers.api.registration.RegistrationAccepted;
import io.portalusers.api.registration.RegistrationCompleted;
import io.portalusers.api.registration.RegistrationFailed;
import io.portalusers.command.UniqueLookups;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.portalusers.command.registration.RegistrationTest.EMAIL;
import static io.portalusers.command.registration.RegistrationTest.ID;
import static io.portalusers.command.registration.RegistrationTest.LANGUAGE;
import static io.portalusers.command.registration.RegistrationTest.NAME;
import static io.portalusers.command.registration.RegistrationTest.ORGANIZATION;
import static io.portalusers.command.registration.RegistrationTest.USERNAME;

class RegistrationProcessTest {

    private SagaTestFixture<RegistrationProcess> fixture;

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(RegistrationProcess.class);
        fixture.registerResource(new SystemCommands(
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build(), Runnable::run));
        fixture.registerResource(UniqueLookups.registry());
    }

    private static CreateRegisteredAccount creation() {
        return new CreateRegisteredAccount(ID, Registration.organizationIdOf(ID), ORGANIZATION,
                Registration.userIdOf(ID), USERNAME, EMAIL, NAME, LANGUAGE);
    }

    @Test
    void R_REG_3_an_accepted_registration_creates_its_organization_and_org_admin_then_completes() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(RegistrationTest.accepted(true), Map.of(RequestMetadata.CORRELATION_ID, "req-1"))
                .expectActiveSagas(1)
                .expectAssociationWith("registrationId", ID.toString())
                .expectDispatchedCommands(creation(), new CompleteRegistration(ID));
    }

    @Test
    void a_refused_creation_is_reported_as_a_failure_not_swallowed() {
        fixture.setCallbackBehavior((payload, metaData) -> {
            if (payload instanceof CreateRegisteredAccount) {
                throw RuleViolationException.unprocessable("R-ADD-6", "email", "taken");
            }
            return null;
        });
        fixture.givenNoPriorActivity()
                .whenPublishingA(RegistrationTest.accepted(false))
                .expectDispatchedCommands(creation(), new FailRegistration(ID, "R-ADD-6"));
    }

    @Test
    void the_process_ends_when_the_registration_completes_or_fails() {
        fixture.givenAPublished(RegistrationTest.accepted(true))
                .whenPublishingA(new RegistrationCompleted(ID, Registration.organizationIdOf(ID), Registration.userIdOf(ID)))
                .expectActiveSagas(0);
        fixture.givenAPublished(RegistrationTest.accepted(true))
                .whenPublishingA(new RegistrationFailed(ID, EMAIL, NAME, LANGUAGE, ORGANIZATION, "R-REG-1"))
                .expectActiveSagas(0);
    }

    @Test
    void a_failure_worth_retrying_propagates() {
        fixture.setCallbackBehavior((payload, metaData) -> {
            throw new IllegalStateException("database away");
        });
        fixture.givenNoPriorActivity()
                .whenPublishingA(RegistrationTest.accepted(true))
                .expectDispatchedCommands(creation());
    }
}
