package io.portalusers.query.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One event of a user's history as an auditor reads it (R-AUD-1). */
record HistoryEntry(long sequenceNumber, Instant time, String type, EventActor actor, String correlationId,
                    String reason, List<FieldChange> changes, MembershipChanges memberships,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String sourceAddress) {

    /**
     * What an auditor reads as an entry's type, by the event's class: an event stored under a
     * class's former name is read as the class it has now (EventLog), so it shows the same type
     * as those stored since (a PublisherRoleChanged of old is a "Role changed" too).
     */
    private static final Map<Class<?>, String> TYPES = Map.of(
            UserCreated.class, "User created",
            UserNameChanged.class, "Name changed",
            UserEmailChanged.class, "Email changed",
            UserLanguageChanged.class, "Language changed",
            AccountRoleChanged.class, "Role changed",
            MembershipsChanged.class, "Memberships changed",
            UserEnabled.class, "Enabled",
            UserDisabled.class, "Disabled");

    /** {@code before} is the user's version before the event (null for the first), {@code after} the one it made. */
    static HistoryEntry of(RecordedEvent event, UserVersion before, UserVersion after, ActorNames actors) {
        return new HistoryEntry(event.sequenceNumber(), event.time(), type(event.payload()),
                actors.at(event.actorId(), event.time()), event.correlationId(), event.reason(),
                FieldChange.between(before, after), MembershipChanges.between(before, after), event.sourceAddress());
    }

    /** An event newer than this list still reads: its class name in words (UserActivated, "User activated"). */
    private static String type(Object payload) {
        String known = TYPES.get(payload.getClass());
        if (known != null) {
            return known;
        }
        String words = payload.getClass().getSimpleName().replaceAll("(?<=[a-z])(?=[A-Z])", " ").toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
