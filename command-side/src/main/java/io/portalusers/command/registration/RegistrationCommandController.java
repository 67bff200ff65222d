package io.portalusers.command.registration;

import io.portalusers.api.Text;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.registration.ApproveRegistration;
import io.portalusers.api.registration.RegistrationId;
import io.portalusers.api.registration.RejectRegistration;
import io.portalusers.api.registration.SubmitRegistration;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Self-registration (R-REG-1..4): an anonymous visitor submits; a Portal Admin approves or rejects. */
@RestController
class RegistrationCommandController {

    static final String PATH = "/api/registrations";

    /**
     * R-REG-4: the one answer to every submission that passed the form's checks, whether it
     * created a request or named an email or username that is taken: no id, no Location.
     */
    static final Map<String, Object> RECEIVED;

    static {
        Map<String, Object> received = new LinkedHashMap<>();
        received.put("status", "RECEIVED");
        received.put("message", "Thank you. We have received your registration; you will get an email about it.");
        RECEIVED = Collections.unmodifiableMap(received);
    }

    private final CommandGateway commands;

    RegistrationCommandController(CommandGateway commands) {
        this.commands = commands;
    }

    record RegistrationRequest(String username, String email, String firstName, String lastName, String language,
                               String organizationName, Boolean termsAccepted) {
    }

    record RejectionRequest(String reason) {
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> submit(@RequestBody RegistrationRequest body) {
        FieldErrors errors = new FieldErrors();
        Username username = errors.parse("username", body.username(), Username::of);
        EmailAddress email = errors.parse("email", body.email(), EmailAddress::of);
        PersonName name = errors.parse("", body, b -> new PersonName(b.firstName(), b.lastName()));
        Language language = body.language() == null ? Language.ENGLISH
                : errors.parse("language", body.language(), Language::of);
        OrganizationName organization = errors.parse("organizationName", body.organizationName(), OrganizationName::of);
        if (!Boolean.TRUE.equals(body.termsAccepted())) {
            errors.add("termsAccepted", "the terms must be accepted (true)");
        }
        errors.throwIfAny();
        commands.sendAndWait(new SubmitRegistration(RegistrationId.random(), username, email, name, language,
                organization, true));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).body(RECEIVED);
    }

    /** R-REG-2: a Portal Admin approves; the organization and the user follow a moment later. */
    @PostMapping(path = PATH + "/{id}/approve", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> approve(@PathVariable UUID id) {
        long version = commands.sendAndWait(new ApproveRegistration(new RegistrationId(id)));
        return Versions.changed(id, version);
    }

    @PostMapping(path = PATH + "/{id}/reject", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> reject(@PathVariable UUID id, @RequestBody RejectionRequest body) {
        FieldErrors errors = new FieldErrors();
        errors.parse("reason", body.reason(), r -> Text.singleLine(r, RequestMetadata.MAX_REASON_LENGTH));
        errors.throwIfAny();
        long version = commands.sendAndWait(new RejectRegistration(new RegistrationId(id), body.reason()));
        return Versions.changed(id, version);
    }
}
