package io.portalusers.query.history;

import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.MetaData;

import java.time.Instant;

/** One stored event of an aggregate, with what the request that caused it left on it (R-AUD-1). */
record RecordedEvent(long sequenceNumber, Instant time, Object payload, String actorId, String correlationId,
                     String reason, String sourceAddress) {

    static RecordedEvent of(DomainEventMessage<?> message) {
        MetaData metadata = message.getMetaData();
        return new RecordedEvent(message.getSequenceNumber(), message.getTimestamp(), message.getPayload(),
                text(metadata.get(RequestMetadata.ACTOR_ID)), text(metadata.get(RequestMetadata.CORRELATION_ID)),
                text(metadata.get(RequestMetadata.REASON)), text(metadata.get(RequestMetadata.SOURCE_ADDRESS)));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
