package io.portalusers.platform.axon;

import io.portalusers.api.user.AccountRoleChanged;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Event classes renamed after events were stored under their former names, and the upcaster
 * that reads those events under the current name.
 * <p>
 * The event store keeps each event's payload type as the serializer wrote it: Axon's Jackson
 * serializer writes the event class's fully qualified name, and a revision that is null here
 * (no event class carries {@code @Revision}). A stored row is never rewritten, so an event
 * appended before a rename keeps its former name for good. As an upcaster in Axon's chain
 * ({@code AxonConfiguration} registers it, and the JDBC event store reads through the chain)
 * this class gives such an event the current name, with its revision and payload as stored:
 * a renamed class keeps its fields. Every reader through Axon thus sees the current class: an
 * aggregate being loaded, each streaming processor, live and in a replay.
 * <p>
 * Code that reads the event table with SQL of its own (the history's {@code EventLog}, the
 * audit export) does not go through the chain: it maps a stored name with {@link #currentName}
 * and filters by {@link #storedNames}.
 * <p>
 * Renaming an event class again: add its name of now as another former name here, so that
 * events stored under it still read.
 */
public final class RenamedEvents extends SingleEventUpcaster {

    /** Each former fully qualified name, and the class its events are read as now. */
    private static final Map<String, Class<?>> RENAMED = Map.of(
            // carried every account role change, an Org User's too, under a Global Publisher's name
            "io.portalusers.api.user.PublisherRoleChanged", AccountRoleChanged.class);

    /** The name events stored under {@code storedName} are read under now: the same for any other. */
    public static String currentName(String storedName) {
        Class<?> renamed = RENAMED.get(storedName);
        return renamed == null ? storedName : renamed.getName();
    }

    /** Every name an event of {@code eventClass} may be stored under: its own, and those it had before. */
    public static List<String> storedNames(Class<?> eventClass) {
        List<String> names = new ArrayList<>();
        names.add(eventClass.getName());
        RENAMED.forEach((former, now) -> {
            if (now.equals(eventClass)) {
                names.add(former);
            }
        });
        return List.copyOf(names);
    }

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation stored) {
        return RENAMED.containsKey(stored.getType().getName());
    }

    /** The name only: the payload stays in the representation it was read in, unconverted. */
    @Override
    @SuppressWarnings("unchecked")
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation stored) {
        SerializedType type = stored.getType();
        return stored.upcastPayload(new SimpleSerializedType(currentName(type.getName()), type.getRevision()),
                (Class<Object>) stored.getContentType(), Function.identity());
    }
}
