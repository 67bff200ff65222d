package io.portalusers.command.registration;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.Text;
import io.portalusers.api.InvalidValueException;
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
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.ConflictException;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static io.portalusers.platform.problem.RuleViolationException.forbidden;
import static io.portalusers.platform.problem.RuleViolationException.unprocessable;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A visitor's request to register themselves and a new organization (R-REG-1..4).
 * <p>
 * Without the workflow it is accepted at once; with it, it waits ({@code PENDING}) until a
 * Portal Admin approves or rejects it, or until it expires. Accepting reserves the
 * organization name (a unique lookup, in the accepting command's transaction) and hands
 * over to {@link RegistrationProcess}, which creates the organization and the user and
 * reports back with {@link CompleteRegistration} or {@link FailRegistration}.
 * <p>
 * An email or username that already belongs to a user ends the request at once with
 * {@link DuplicateRegistrationAttempted}: nothing is created, and the visitor's answer is
 * the same as for any other request (R-REG-4). So is everything the submission leaves
 * behind: without the workflow the duplicate reserves the organization name and the
 * username as an accepted request does ({@link DuplicateRegistrationNamesReserved}); with it,
 * it schedules the same expiry deadline, which then finds nothing pending. A username an
 * accepted or duplicate registration holds counts as taken, as the user that a fresh one
 * creates would take it.
 */
@Aggregate
public class Registration {

    static final String EXPIRY_DEADLINE = "registration-expiry";

    enum Status { PENDING, ACCEPTED, COMPLETED, REJECTED, EXPIRED, FAILED, DUPLICATE }

    @AggregateIdentifier
    private RegistrationId registrationId;
    private Status status;
    private Username username;
    private EmailAddress email;
    private PersonName name;
    private Language language;
    private OrganizationName organizationName;
    private Instant expiresAt;
    private OrganizationId organizationId;
    private UserId userId;

    protected Registration() {
    }

    @CommandHandler
    public Registration(SubmitRegistration command, RegistrationChecks checks, RegistrationExpiry expiry,
                        DeadlineManager deadlines) {
        PortalSettings settings = checks.settings();
        if (!settings.thirdPartyRegistrationEnabled()) {
            throw forbidden("R-REG-1", "self-registration is not enabled on this portal");
        }
        if (!command.termsAccepted()) {
            throw unprocessable("R-REG-1", "termsAccepted", "the terms must be accepted");
        }
        requireNewOrganizationName(command.organizationName(), checks);
        Optional<UserId> emailOwner = checks.userWithEmail(command.email());
        Optional<UserId> usernameOwner = checks.userWithUsername(command.username());
        boolean usernameHeld = checks.usernameReserved(command.username());
        boolean duplicate = emailOwner.isPresent() || usernameOwner.isPresent() || usernameHeld;
        boolean workflow = settings.registrationWorkflowEnabled();
        Instant expires = workflow ? expiry.now().plus(expiry.period()) : null;
        // R-REG-4: a duplicate leaves what a fresh request leaves and does the same work (as
        // many events, lookup rows and deadlines), so that neither a later answer (a name
        // reserved or not) nor the time this one takes tells whether the address has an
        // account. Only what it creates differs: nothing.
        if (duplicate) {
            apply(new DuplicateRegistrationAttempted(command.registrationId(), command.username(), command.email(),
                    command.name(), command.language(), command.organizationName(),
                    emailOwner.orElse(null), usernameOwner.orElse(null)));
        } else {
            apply(new RegistrationSubmitted(command.registrationId(), command.username(), command.email(),
                    command.name(), command.language(), command.organizationName(), workflow, expires));
        }
        if (workflow) {
            // the deadline of a duplicate finds it not pending and changes nothing
            deadlines.schedule(expires, EXPIRY_DEADLINE);
        } else if (duplicate) {
            apply(new DuplicateRegistrationNamesReserved(command.registrationId(), command.organizationName(),
                    command.username()));
        } else {
            // events applied in a constructor reach the event sourcing handlers after it: from the command
            apply(new RegistrationAccepted(command.registrationId(), organizationIdOf(command.registrationId()),
                    userIdOf(command.registrationId()), command.username(), command.email(), command.name(),
                    command.language(), command.organizationName(), false));
        }
    }

    /**
     * R-REG-2: a Portal Admin approves a pending request. The organization name must still be
     * free (an organization, or an earlier approved request, may have taken it: first approved
     * wins), and so must the username (a user's, or held by another registration) and email;
     * otherwise the request stays pending and the admin may reject it.
     */
    @CommandHandler
    public long handle(ApproveRegistration command, Actor actor, RegistrationChecks checks, RegistrationExpiry expiry) {
        requirePortalAdmin(actor, "approves");
        requirePending(expiry);
        requireNewOrganizationName(organizationName, checks);
        if (checks.userWithEmail(email).isPresent()) {
            throw new ConflictException("R-ADD-6", "email", "this email address belongs to a user by now; reject the request");
        }
        if (checks.userWithUsername(username).isPresent() || checks.usernameReserved(username)) {
            throw new ConflictException("R-ADD-6", "username", "this username is taken by now; reject the request");
        }
        apply(new RegistrationAccepted(registrationId, organizationIdOf(registrationId), userIdOf(registrationId),
                username, email, name, language, organizationName, true));
        return AggregateLifecycle.getVersion();
    }

    /** R-REG-2, R-REG-3: a Portal Admin rejects a pending request with a reason; nothing is created. */
    @CommandHandler
    public long handle(RejectRegistration command, Actor actor, RegistrationExpiry expiry) {
        requirePortalAdmin(actor, "rejects");
        String reason;
        try {
            reason = Text.singleLine(command.reason(), RequestMetadata.MAX_REASON_LENGTH);
        } catch (InvalidValueException e) {
            throw unprocessable("R-REG-2", "reason", "a rejection needs a reason: " + e.getMessage());
        }
        requirePending(expiry);
        apply(new RegistrationRejected(registrationId, email, name, language, organizationName, reason));
        return AggregateLifecycle.getVersion();
    }

    /** From the registration process: the organization and the user exist. Repeating it changes nothing. */
    @CommandHandler
    public void handle(CompleteRegistration command) {
        if (status == Status.ACCEPTED) {
            apply(new RegistrationCompleted(registrationId, organizationId, userId));
        }
    }

    /** From the registration process: they could not be created. Repeating it changes nothing. */
    @CommandHandler
    public void handle(FailRegistration command) {
        if (status == Status.ACCEPTED) {
            apply(new RegistrationFailed(registrationId, email, name, language, organizationName, command.code()));
        }
    }

    /** A request still pending when its time is up expires; one decided on meanwhile is left as it is. */
    @DeadlineHandler(deadlineName = EXPIRY_DEADLINE)
    void expire() {
        if (status == Status.PENDING) {
            apply(new RegistrationExpired(registrationId, email, name, language, organizationName));
        }
    }

    /** The ids are derived from the registration's, so that a repeated creation is recognized as such. */
    static OrganizationId organizationIdOf(RegistrationId registration) {
        return new OrganizationId(derived("organization", registration));
    }

    static UserId userIdOf(RegistrationId registration) {
        return new UserId(derived("user", registration));
    }

    private static UUID derived(String kind, RegistrationId registration) {
        return UUID.nameUUIDFromBytes(("registration-" + kind + ":" + registration).getBytes(StandardCharsets.UTF_8));
    }

    private static void requirePortalAdmin(Actor actor, String verb) {
        if (!actor.isPortalAdmin()) {
            throw forbidden("R-REG-2", "only a Portal Admin " + verb + " registration requests");
        }
    }

    private void requirePending(RegistrationExpiry expiry) {
        Status current = status == Status.PENDING && expiresAt != null && !expiry.now().isBefore(expiresAt)
                ? Status.EXPIRED : status;
        if (current != Status.PENDING) {
            throw new ConflictException("R-REG-2", "status",
                    "the registration request is " + current.name().toLowerCase() + ", not pending");
        }
    }

    private static void requireNewOrganizationName(OrganizationName organizationName, RegistrationChecks checks) {
        if (checks.organizationNameTaken(organizationName)) {
            throw new ConflictException("R-REG-1", "organizationName",
                    "an organization with this name exists; registering creates a new organization");
        }
    }

    @EventSourcingHandler
    void on(RegistrationSubmitted event) {
        registrationId = event.registrationId();
        status = Status.PENDING;
        username = event.username();
        email = event.email();
        name = event.name();
        language = event.language();
        organizationName = event.organizationName();
        expiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(DuplicateRegistrationAttempted event) {
        registrationId = event.registrationId();
        status = Status.DUPLICATE;
    }

    @EventSourcingHandler
    void on(RegistrationAccepted event) {
        status = Status.ACCEPTED;
        organizationId = event.organizationId();
        userId = event.userId();
    }

    @EventSourcingHandler
    void on(RegistrationRejected event) {
        status = Status.REJECTED;
    }

    @EventSourcingHandler
    void on(RegistrationExpired event) {
        status = Status.EXPIRED;
    }

    @EventSourcingHandler
    void on(RegistrationCompleted event) {
        status = Status.COMPLETED;
    }

    @EventSourcingHandler
    void on(RegistrationFailed event) {
        status = Status.FAILED;
    }
}
