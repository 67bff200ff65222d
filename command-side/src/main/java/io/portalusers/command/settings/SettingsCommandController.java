package io.portalusers.command.settings;

import io.portalusers.api.settings.ChangePortalSettings;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;
import java.util.function.Function;

@RestController
class SettingsCommandController {

    private final CommandGateway commands;

    SettingsCommandController(CommandGateway commands) {
        this.commands = commands;
    }

    record SettingsRequest(Boolean ssoEnabled, Boolean thirdPartyRegistrationEnabled,
                           Boolean registrationWorkflowEnabled) {
    }

    /** R-SET-1: a Portal Admin sets all three switches at once. */
    @PutMapping(path = "/api/settings", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> change(@RequestBody SettingsRequest body,
                                               @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        FieldErrors errors = new FieldErrors();
        Boolean sso = errors.parse("ssoEnabled", body.ssoEnabled(), Function.identity());
        Boolean registration = errors.parse("thirdPartyRegistrationEnabled", body.thirdPartyRegistrationEnabled(),
                Function.identity());
        Boolean workflow = errors.parse("registrationWorkflowEnabled", body.registrationWorkflowEnabled(),
                Function.identity());
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        errors.throwIfAny();
        long version = commands.sendAndWait(
                new ChangePortalSettings(new PortalSettings(sso, registration, workflow), expected));
        return ResponseEntity.ok().eTag(Versions.etag(version)).body(Map.of("version", version));
    }
}
