package io.portalusers.query.history;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A user's history (R-AUD-1) and the account as it was at an instant (R-AUD-2), both from the
 * event store. Portal Admins read every user's, Org Admins those of users in the organizations
 * they administer; a user who may see the account but not audit it (its owner) gets a 403, and
 * anyone else a 404, as for {@code GET /api/users/{id}}.
 */
@RestController
class UserHistoryController {

    private final EventLog log;

    UserHistoryController(EventLog log) {
        this.log = log;
    }

    @GetMapping(path = "/api/users/{id}/history", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<HistoryEntry> history(Actor actor, @PathVariable UUID id,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "20") int size) {
        Page.Request request = Page.request(page, size);
        List<RecordedEvent> events = log.of(id.toString());
        List<UserState> states = auditable(actor, events);
        ActorNames actors = new ActorNames(log);
        List<HistoryEntry> entries = new ArrayList<>();
        for (long i = request.offset(); i < Math.min(events.size(), request.offset() + request.size()); i++) {
            int at = (int) i;
            entries.add(HistoryEntry.of(events.get(at), at == 0 ? null : states.get(at - 1), states.get(at), actors));
        }
        return request.of(entries, events.size());
    }

    /** Folds the events in order up to and including the instant; the version is that of the last one folded. */
    @GetMapping(path = "/api/users/{id}", params = "at", produces = MediaType.APPLICATION_JSON_VALUE)
    UserState at(Actor actor, @PathVariable UUID id, @RequestParam("at") String at) {
        Instant instant = instant(at);
        UserState then = null;
        for (UserState state : auditable(actor, log.of(id.toString()))) {
            if (state.updatedAt().isAfter(instant)) {
                break;
            }
            then = state;
        }
        if (then == null) {
            throw new NotFoundException("the user did not exist yet at that instant");
        }
        return then.seenAt(instant);
    }

    /** The state after each event, once the caller may audit the user. */
    private static List<UserState> auditable(Actor actor, List<RecordedEvent> events) {
        List<UserState> states = UserState.after(events);
        if (states.isEmpty()) {
            throw new NotFoundException("no such user");
        }
        UserState current = states.get(states.size() - 1);
        Set<OrganizationId> administered = actor.administeredOrganizations();
        if (actor.isPortalAdmin() || current.memberships().stream().anyMatch(m -> administered.contains(m.organizationId()))) {
            return states;
        }
        if (actor.userId().value().equals(current.id())) {
            throw RuleViolationException.forbidden("R-AUD-1",
                    "a user's history is read by Portal Admins and the Org Admins of its organizations");
        }
        throw new NotFoundException("no such user");
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidValueException("at", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
