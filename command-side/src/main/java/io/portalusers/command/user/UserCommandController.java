package io.portalusers.command.user;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.ChangeMemberships;
import io.portalusers.api.user.ChangePublisherRole;
import io.portalusers.api.user.ChangeUserDetails;
import io.portalusers.api.user.CreateUser;
import io.portalusers.api.user.DisableUser;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.EnableUser;
import io.portalusers.api.user.EraseUser;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.ResendActivationEmail;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.Username;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The user commands of the portal's Manage Users page: add, edit, role, memberships, enable, disable, resend activation email. */
@RestController
class UserCommandController {

    private static final String MERGE_PATCH = "application/merge-patch+json";

    private final CommandGateway commands;
    private final UserLookup lookup;

    UserCommandController(CommandGateway commands, UserLookup lookup) {
        this.commands = commands;
        this.lookup = lookup;
    }

    record MembershipRequest(String organizationId, String role) {
    }

    /**
     * {@code role} is the account's role: PORTAL_ADMIN or API_OWNER for a Global Publisher,
     * ORG_ADMIN, ORG_PUBLISHER or DEVELOPER for an Org User (with memberships). {@code id}
     * is optional: a client that supplies it can repeat the request safely.
     */
    record CreateUserRequest(UUID id, String username, String email, String firstName, String lastName,
                             String language, String role, List<MembershipRequest> memberships,
                             @JsonProperty("notify") Boolean notifyUser) {
    }

    record EraseRequest(String reason) {
    }

    record DetailsRequest(String firstName, String lastName, String email, String language) {
    }

    record RoleRequest(String role) {
    }

    record MembershipsRequest(List<MembershipRequest> memberships) {
    }

    @PostMapping(path = "/api/users", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> create(@RequestBody CreateUserRequest body) {
        FieldErrors errors = new FieldErrors();
        Username username = errors.parse("username", body.username(), Username::of);
        EmailAddress email = errors.parse("email", body.email(), EmailAddress::of);
        PersonName name = errors.parse("", body, b -> new PersonName(b.firstName(), b.lastName()));
        Language language = body.language() == null ? Language.ENGLISH
                : errors.parse("language", body.language(), Language::of);
        Role role = errors.parse("role", body.role(), Role::valueOf);
        List<Membership> memberships = memberships(errors, body.memberships() == null ? List.of() : body.memberships());
        errors.throwIfAny();
        UserId id = body.id() == null ? UserId.random() : new UserId(body.id());
        boolean notify = body.notifyUser() == null || body.notifyUser();
        try {
            commands.sendAndWait(new CreateUser(id, username, email, name, language, role, memberships, notify));
        } catch (AggregateStreamCreationException e) {
            // the same id again: a retry of a creation that happened answers as it did then
            if (!lookup.createdAs(id, username, email)) {
                throw e;
            }
        }
        // UserCreated, then with notify the first invitation (R-ADD-7): a repeat answers the same
        long version = notify ? 1 : 0;
        return Versions.created("/api/users", id, version);
    }

    @PatchMapping(path = "/api/users/{id}", consumes = {MediaType.APPLICATION_JSON_VALUE, MERGE_PATCH},
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> edit(@PathVariable UUID id, @RequestBody DetailsRequest body,
                                             @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        FieldErrors errors = new FieldErrors();
        PersonName name = null;
        if ((body.firstName() == null) != (body.lastName() == null)) {
            errors.combination(body.firstName() == null ? "firstName" : "lastName",
                    "is required with " + (body.firstName() == null ? "lastName" : "firstName") + ": a name changes whole");
        } else if (body.firstName() != null) {
            name = errors.parse("", body, b -> new PersonName(b.firstName(), b.lastName()));
        }
        EmailAddress email = errors.parseOptional("email", body.email(), EmailAddress::of);
        Language language = errors.parseOptional("language", body.language(), Language::of);
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        if (body.firstName() == null && body.lastName() == null && body.email() == null && body.language() == null) {
            errors.add("", "nothing to change: give firstName and lastName (together), email or language");
        }
        errors.throwIfAny();
        return changed(id, commands.sendAndWait(new ChangeUserDetails(new UserId(id), name, email, language, expected)));
    }

    @PutMapping(path = "/api/users/{id}/role", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> changeRole(@PathVariable UUID id, @RequestBody RoleRequest body,
                                                   @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        FieldErrors errors = new FieldErrors();
        Role role = errors.parse("role", body.role(), Role::valueOf);
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        errors.throwIfAny();
        return changed(id, commands.sendAndWait(new ChangePublisherRole(new UserId(id), role, expected)));
    }

    @PutMapping(path = "/api/users/{id}/memberships", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> changeMemberships(@PathVariable UUID id, @RequestBody MembershipsRequest body,
                                                          @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        FieldErrors errors = new FieldErrors();
        if (body.memberships() == null) {
            errors.add("memberships", "is required");
        }
        List<Membership> memberships = memberships(errors, body.memberships() == null ? List.of() : body.memberships());
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        errors.throwIfAny();
        return changed(id, commands.sendAndWait(new ChangeMemberships(new UserId(id), memberships, expected)));
    }

    @PostMapping(path = "/api/users/{id}/enable", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> enable(@PathVariable UUID id,
                                               @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return changed(id, commands.sendAndWait(new EnableUser(new UserId(id), expectedVersion(ifMatch))));
    }

    @PostMapping(path = "/api/users/{id}/disable", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> disable(@PathVariable UUID id,
                                                @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return changed(id, commands.sendAndWait(new DisableUser(new UserId(id), expectedVersion(ifMatch))));
    }

    /**
     * R-ERASE-1: shreds a disabled user's personal data. The reason is recorded with the
     * erasure, for good: it should say why (a request, a retention period), not name anyone.
     */
    @PostMapping(path = "/api/users/{id}/erase", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> erase(@PathVariable UUID id, @RequestBody EraseRequest body) {
        return changed(id, commands.sendAndWait(new EraseUser(new UserId(id), body.reason())));
    }

    /** The portal's "Resend Activation Email" (R-ADD-7): a new invitation; earlier links stop working (R-ACT-2). */
    @PostMapping(path = "/api/users/{id}/activation-email", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> resendActivationEmail(@PathVariable UUID id) {
        return changed(id, commands.sendAndWait(new ResendActivationEmail(new UserId(id))));
    }

    private static Long expectedVersion(String ifMatch) {
        FieldErrors errors = new FieldErrors();
        Long expected = errors.parseOptional(HttpHeaders.IF_MATCH, ifMatch, Versions::fromIfMatch);
        errors.throwIfAny();
        return expected;
    }

    private static ResponseEntity<Map<String, Object>> changed(UUID id, Object version) {
        return Versions.changed(id, ((Number) version).longValue());
    }

    private static List<Membership> memberships(FieldErrors errors, List<MembershipRequest> requested) {
        List<Membership> memberships = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            MembershipRequest m = requested.get(i);
            String field = "memberships[" + i + "]";
            if (m == null) {
                errors.add(field, "is required");
                continue;
            }
            OrganizationId organization = errors.parse(field + ".organizationId", m.organizationId(), OrganizationId::of);
            Role role = errors.parse(field + ".role", m.role(), Role::valueOf);
            if (organization != null && role != null) {
                Membership membership = errors.parse(field, role, r -> new Membership(organization, r));
                if (membership != null) {
                    memberships.add(membership);
                }
            }
        }
        return memberships;
    }
}
