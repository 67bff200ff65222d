package io.portalusers.platform.axon;

import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;

import java.util.List;
import java.util.Map;

/**
 * Axon's JDBC event store, with the reason given with a command ({@code X-Reason}, a free text
 * that may name people) sealed under the key of the person each event is about as the event is
 * appended ({@link ReasonSealer}): an erasure shreds it with the person's other
 * data, and the log never holds it in clear. Only the stored form is sealed: the messages the
 * command's handlers and subscribing processors see keep the reason as it was given, and every
 * reader through the event serializer reads it back in clear (or as erased).
 */
final class ReasonSealingEventStorageEngine extends JdbcEventStorageEngine {

    private final ReasonSealer sealer;

    ReasonSealingEventStorageEngine(JdbcEventStorageEngine.Builder builder, ReasonSealer sealer) {
        super(builder);
        this.sealer = sealer;
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        super.appendEvents(events.stream().<EventMessage<?>>map(this::sealed).toList(), serializer);
    }

    private EventMessage<?> sealed(EventMessage<?> event) {
        if (!(event.getMetaData().get(RequestMetadata.REASON) instanceof String reason)) {
            return event;
        }
        Object stored = sealer.seal(event.getPayload(), reason);
        return stored == reason ? event : event.andMetaData(Map.of(RequestMetadata.REASON, stored));
    }
}
