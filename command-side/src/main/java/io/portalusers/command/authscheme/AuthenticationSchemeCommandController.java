package io.portalusers.command.authscheme;

import io.portalusers.api.SchemeId;
import io.portalusers.api.Text;
import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.authscheme.ChangeAuthenticationScheme;
import io.portalusers.api.authscheme.CreateAuthenticationScheme;
import io.portalusers.api.authscheme.ProvisionIdpUser;
import io.portalusers.api.authscheme.ProvisioningResult;
import io.portalusers.api.authscheme.SchemeName;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.Username;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Authentication schemes and the provisioning of their external IdP users (R-AUTH-1). */
@RestController
class AuthenticationSchemeCommandController {

    private static final int MAX_SUBJECT_LENGTH = 255;
    private static final int MAX_ATTRIBUTES = 50;

    private final CommandGateway commands;

    AuthenticationSchemeCommandController(CommandGateway commands) {
        this.commands = commands;
    }

    record MappingsRequest(String organizationAttribute, String roleAttribute, Map<String, String> roleValues) {
    }

    record SchemeRequest(UUID id, String name, String authorizationType, MappingsRequest mappings) {
    }

    record ProvisionRequest(String subject, String username, String email, String firstName, String lastName,
                            String language, Map<String, String> attributes) {
    }

    private record Scheme(SchemeName name, AuthorizationType type, AttributeMappings mappings) {
    }

    @PostMapping(path = "/api/authentication-schemes", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@RequestBody SchemeRequest body) {
        FieldErrors errors = new FieldErrors();
        Scheme scheme = scheme(errors, body);
        errors.throwIfAny();
        SchemeId id = body.id() == null ? SchemeId.random() : new SchemeId(body.id());
        commands.sendAndWait(new CreateAuthenticationScheme(id, scheme.name(), scheme.mappings(), scheme.type()));
        return Versions.created("/api/authentication-schemes", id, 0);
    }

    @PutMapping(path = "/api/authentication-schemes/{id}", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> change(@PathVariable UUID id, @RequestBody SchemeRequest body,
                                               @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        FieldErrors errors = new FieldErrors();
        Scheme scheme = scheme(errors, body);
        if (body.id() != null && !body.id().equals(id)) {
            errors.combination("id", "differs from the scheme in the path");
        }
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        errors.throwIfAny();
        long version = commands.sendAndWait(new ChangeAuthenticationScheme(new SchemeId(id), scheme.name(),
                scheme.mappings(), scheme.type(), expected));
        return Versions.changed(id, version);
    }

    /**
     * An external IdP user signs in: the identity provider's assertion, as the portal backend
     * received it. 201 when the user was created, 200 when it existed.
     */
    @PostMapping(path = "/api/authentication-schemes/{id}/users", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> provision(@PathVariable UUID id, @RequestBody ProvisionRequest body) {
        FieldErrors errors = new FieldErrors();
        String subject = errors.parse("subject", body.subject(), s -> Text.singleLine(s, MAX_SUBJECT_LENGTH));
        Username username = errors.parse("username", body.username(), Username::of);
        EmailAddress email = errors.parse("email", body.email(), EmailAddress::of);
        PersonName name = errors.parse("", body, b -> new PersonName(b.firstName(), b.lastName()));
        Language language = body.language() == null ? Language.ENGLISH
                : errors.parse("language", body.language(), Language::of);
        Map<String, String> attributes = body.attributes() == null ? Map.of() : body.attributes();
        if (attributes.size() > MAX_ATTRIBUTES || attributes.values().stream().anyMatch(v -> v == null)) {
            errors.add("attributes", "at most " + MAX_ATTRIBUTES + " attributes, each with a value");
        }
        errors.throwIfAny();
        ProvisioningResult result = commands.sendAndWait(new ProvisionIdpUser(new SchemeId(id), subject, username,
                email, name, language, attributes));
        return ResponseEntity.status(result.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(URI.create("/api/users/" + result.userId()))
                .body(Map.of("id", result.userId().toString(), "created", result.created()));
    }

    private static Scheme scheme(FieldErrors errors, SchemeRequest body) {
        SchemeName name = errors.parse("name", body.name(), SchemeName::of);
        AuthorizationType type = errors.parse("authorizationType", body.authorizationType(), AuthorizationType::valueOf);
        AttributeMappings mappings = errors.parse("mappings", body.mappings(), m -> {
            Map<String, Role> roleValues = new HashMap<>();
            if (m.roleValues() != null) {
                m.roleValues().forEach((value, role) -> roleValues.put(value, role == null ? null : Role.valueOf(role)));
            }
            return new AttributeMappings(m.organizationAttribute(), m.roleAttribute(), roleValues);
        });
        return new Scheme(name, type, mappings);
    }
}
