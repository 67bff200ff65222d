package io.portalusers.command.organization;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.organization.ChangeAccountPlan;
import io.portalusers.api.organization.CreateOrganization;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;
import java.util.UUID;

@RestController
class OrganizationCommandController {

    private final CommandGateway commands;

    OrganizationCommandController(CommandGateway commands) {
        this.commands = commands;
    }

    /** {@code id} is optional: a client that supplies it can repeat the request safely. */
    record CreateOrganizationRequest(UUID id, String name, String accountPlan) {
    }

    record AccountPlanRequest(String accountPlan) {
    }

    @PostMapping(path = "/api/organizations", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@RequestBody CreateOrganizationRequest body) {
        FieldErrors errors = new FieldErrors();
        OrganizationName name = errors.parse("name", body.name(), OrganizationName::of);
        AccountPlan plan = errors.parse("accountPlan", body.accountPlan(), AccountPlan::of);
        errors.throwIfAny();
        OrganizationId id = body.id() == null ? OrganizationId.random() : new OrganizationId(body.id());
        commands.sendAndWait(new CreateOrganization(id, name, plan));
        return Versions.created("/api/organizations", id, 0);
    }

    @PutMapping(path = "/api/organizations/{id}/plan", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> changePlan(@PathVariable UUID id, @RequestBody AccountPlanRequest body,
                                                   @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        FieldErrors errors = new FieldErrors();
        AccountPlan plan = errors.parse("accountPlan", body.accountPlan(), AccountPlan::of);
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        errors.throwIfAny();
        long version = commands.sendAndWait(new ChangeAccountPlan(new OrganizationId(id), plan, expected));
        return Versions.changed(id, version);
    }
}
