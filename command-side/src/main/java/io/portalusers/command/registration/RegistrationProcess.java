package io.portalusers.command.registration;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.portalusers.api.registration.CompleteRegistration;
import io.portalusers.api.registration.CreateRegisteredAccount;
import io.portalusers.api.registration.FailRegistration;
import io.portalusers.api.registration.RegistrationAccepted;
import io.portalusers.api.registration.RegistrationCompleted;
import io.portalusers.api.registration.RegistrationFailed;
import io.portalusers.api.registration.RegistrationId;
import io.portalusers.platform.problem.ConflictException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.problem.UniqueConstraints;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Map;

/**
 * R-REG-3: from an accepted registration to its organization and Org Admin. On
 * {@link RegistrationAccepted} it creates both in one command, as the system, then
 * completes the registration. A refusal (a name, username or email taken since the
 * acceptance) is not swallowed: it becomes {@link FailRegistration}, a
 * {@link RegistrationFailed} event with the rule's code, and a warning in the log. Any other
 * failure (the database away) propagates, so the event is retried. Every step is
 * idempotent, as events may be delivered twice.
 */
@Saga
@ProcessingGroup(RegistrationProcess.PROCESSING_GROUP)
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class RegistrationProcess {

    public static final String PROCESSING_GROUP = "registration-process";

    private static final Logger log = LoggerFactory.getLogger(RegistrationProcess.class);

    private RegistrationId registrationId;

    @JsonIgnore
    private transient SystemCommands commands;

    @JsonIgnore
    private transient UniqueConstraints constraints;

    @Autowired
    public void setCommands(SystemCommands commands) {
        this.commands = commands;
    }

    /** The unique constraints the node's modules declared: a violation of one is a refusal, not a fault. */
    @Autowired
    public void setConstraints(UniqueConstraints constraints) {
        this.constraints = constraints;
    }

    @StartSaga
    @SagaEventHandler(associationProperty = "registrationId")
    public void on(RegistrationAccepted event, @MetaDataValue(RequestMetadata.CORRELATION_ID) String correlationId) {
        registrationId = event.registrationId();
        try {
            commands.send(new CreateRegisteredAccount(event.registrationId(), event.organizationId(),
                    event.organizationName(), event.userId(), event.username(), event.email(), event.name(),
                    event.language()), correlationId);
        } catch (RuntimeException failure) {
            String code = refusalCode(failure);
            if (code == null) {
                throw failure;
            }
            log.warn("Registration {}: its organization and user could not be created, refused by {}",
                    event.registrationId(), code);
            commands.send(new FailRegistration(event.registrationId(), code), correlationId);
            return;
        }
        commands.send(new CompleteRegistration(event.registrationId()), correlationId);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "registrationId")
    public void on(RegistrationCompleted event) {
        log.info("Registration {} completed: organization {}, Org Admin {}", event.registrationId(),
                event.organizationId(), event.userId());
    }

    @EndSaga
    @SagaEventHandler(associationProperty = "registrationId")
    public void on(RegistrationFailed event) {
        // logged where it was decided
    }

    /** The rule that refused, for a refusal; null for a failure that is worth retrying. */
    String refusalCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RuleViolationException rule) {
                return rule.ruleId();
            }
            if (t instanceof ConflictException conflict) {
                return conflict.code();
            }
        }
        // a taken organization name is, for a registration, R-REG-1 (a visitor cannot join one)
        return constraints.violated(failure).map(ConflictException::code)
                .map(code -> code.equals("R-ORG-1") ? "R-REG-1" : code)
                .orElse(null);
    }
}
