package io.portalusers.platform.axon;

import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MetaData;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Stamps each command, in the caller's thread, with the actor of the request, its
 * correlation id and reason. What the sender set explicitly (the system actor) stays.
 */
class RequestMetadataInterceptor implements MessageDispatchInterceptor<CommandMessage<?>> {

    @Override
    public BiFunction<Integer, CommandMessage<?>, CommandMessage<?>> handle(List<? extends CommandMessage<?>> messages) {
        return (index, command) -> command.andMetaData(missingFrom(command.getMetaData()));
    }

    private static Map<String, Object> missingFrom(MetaData present) {
        Map<String, Object> added = new HashMap<>();
        if (!present.containsKey(RequestMetadata.ACTOR_ID)) {
            RequestMetadata.currentActorId().ifPresent(actor -> added.put(RequestMetadata.ACTOR_ID, actor));
        }
        if (!present.containsKey(RequestMetadata.CORRELATION_ID)) {
            String correlationId = RequestMetadata.currentCorrelationId();
            added.put(RequestMetadata.CORRELATION_ID, correlationId != null ? correlationId : UUID.randomUUID().toString());
        }
        if (!present.containsKey(RequestMetadata.REASON)) {
            RequestMetadata.currentReason().ifPresent(reason -> added.put(RequestMetadata.REASON, reason));
        }
        return added;
    }
}
