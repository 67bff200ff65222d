package io.portalusers.query.authschemes;

import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthenticationSchemeChanged;
import io.portalusers.api.authscheme.AuthenticationSchemeCreated;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Versions;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The authentication schemes as their events made them (R-AUTH-1), for the Portal Admins who
 * manage them. A portal has a handful of schemes, each with a few events: they are folded from
 * the event store on every read, as a user's history is, rather than kept in a read model.
 */
@RestController
class AuthenticationSchemesQueryController {

    /** The aggregate type the event store files the schemes' events under. */
    static final String AGGREGATE_TYPE = "AuthenticationScheme";

    private final EventStore events;
    private final JdbcClient jdbc;

    AuthenticationSchemesQueryController(EventStore events, JdbcClient jdbc) {
        this.events = events;
        this.jdbc = jdbc;
    }

    record SchemeView(UUID id, String name, String authorizationType, String organizationAttribute,
                      String roleAttribute, Map<String, String> roleValues, Instant createdAt, Instant updatedAt,
                      long version) {
    }

    @GetMapping(path = "/api/authentication-schemes", produces = MediaType.APPLICATION_JSON_VALUE)
    List<SchemeView> list(Actor actor) {
        readable(actor);
        return jdbc.sql("select distinct aggregateidentifier from domainevententry where type = ?")
                .param(AGGREGATE_TYPE)
                .query(String.class)
                .list().stream()
                .map(this::fold)
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing((SchemeView s) -> s.name().toLowerCase()).thenComparing(SchemeView::id))
                .toList();
    }

    @GetMapping(path = "/api/authentication-schemes/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SchemeView> get(Actor actor, @PathVariable UUID id) {
        readable(actor);
        SchemeView scheme = fold(id.toString());
        if (scheme == null) {
            throw new NotFoundException("no such authentication scheme");
        }
        return ResponseEntity.ok().eTag(Versions.etag(scheme.version())).body(scheme);
    }

    private static void readable(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw RuleViolationException.forbidden("R-AUTH-1", "only a Portal Admin manages authentication schemes");
        }
    }

    /** The scheme after its last event; null when the id has no scheme's events. */
    private SchemeView fold(String id) {
        SchemeView scheme = null;
        for (DomainEventMessage<?> event : events.readEvents(id, 0).asStream().toList()) {
            Object payload = event.getPayload();
            if (payload instanceof AuthenticationSchemeCreated created) {
                scheme = view(created.schemeId().value(), created.name().value(), created.authorizationType().name(),
                        created.mappings(), event.getTimestamp(), event.getTimestamp(), event.getSequenceNumber());
            } else if (payload instanceof AuthenticationSchemeChanged changed && scheme != null) {
                scheme = view(scheme.id(), changed.name().value(), changed.authorizationType().name(),
                        changed.mappings(), scheme.createdAt(), event.getTimestamp(), event.getSequenceNumber());
            } else if (scheme != null) {
                scheme = new SchemeView(scheme.id(), scheme.name(), scheme.authorizationType(),
                        scheme.organizationAttribute(), scheme.roleAttribute(), scheme.roleValues(), scheme.createdAt(),
                        scheme.updatedAt(), event.getSequenceNumber());
            }
        }
        return scheme;
    }

    private static SchemeView view(UUID id, String name, String type, AttributeMappings mappings, Instant createdAt,
                                   Instant updatedAt, long version) {
        Map<String, String> roles = new java.util.TreeMap<>();
        mappings.roleValues().forEach((value, role) -> roles.put(value, role.name()));
        return new SchemeView(id, name, type, mappings.organizationAttribute(), mappings.roleAttribute(), roles,
                createdAt, updatedAt, version);
    }
}
