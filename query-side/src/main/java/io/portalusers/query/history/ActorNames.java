package io.portalusers.query.history;

import io.portalusers.api.user.PersonName;
import io.portalusers.platform.request.RequestMetadata;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the actors of one history as they were at each event, from the actors' own events:
 * a user renamed since still shows under the name it had then. One per request, as it keeps
 * each actor's events it read.
 */
class ActorNames {

    private final EventLog log;
    private final Map<String, List<Named>> seen = new HashMap<>();

    ActorNames(EventLog log) {
        this.log = log;
    }

    /** An actor's name from one of its versions on. */
    private record Named(Instant from, String name) {
    }

    EventActor at(String actorId, Instant time) {
        if (actorId == null || RequestMetadata.SYSTEM_ACTOR.equals(actorId)) {
            return new EventActor(actorId, actorId);
        }
        String name = null;
        for (Named actor : seen.computeIfAbsent(actorId, this::names)) {
            if (actor.from().isAfter(time)) {
                break;
            }
            name = actor.name();
        }
        return new EventActor(actorId, name);
    }

    /** The actor's name after each of its events, made once per history (not once per entry). */
    private List<Named> names(String actorId) {
        return UserVersion.after(log.of(actorId)).stream()
                .map(actor -> new Named(actor.updatedAt(), new PersonName(actor.firstName(), actor.lastName()).fullName()))
                .toList();
    }
}
