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
    private final Map<String, List<UserVersion>> seen = new HashMap<>();

    ActorNames(EventLog log) {
        this.log = log;
    }

    EventActor at(String actorId, Instant time) {
        if (actorId == null || RequestMetadata.SYSTEM_ACTOR.equals(actorId)) {
            return new EventActor(actorId, actorId);
        }
        String name = null;
        for (UserVersion actor : seen.computeIfAbsent(actorId, id -> UserVersion.after(log.of(id)))) {
            if (actor.updatedAt().isAfter(time)) {
                break;
            }
            name = new PersonName(actor.firstName(), actor.lastName()).fullName();
        }
        return new EventActor(actorId, name);
    }
}
