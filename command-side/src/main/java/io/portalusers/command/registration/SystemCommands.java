package io.portalusers.command.registration;

import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Commands the service sends on its own behalf (actor {@code system}) from an event
 * handler. Each runs on {@code executor}, outside the handler's unit of work and database
 * transaction: a command refused there must not mark the handler's own transaction for
 * rollback (the handler records the refusal), and the caller waits for its outcome.
 */
public class SystemCommands {

    private final CommandGateway commands;
    private final Executor executor;

    public SystemCommands(CommandGateway commands, Executor executor) {
        this.commands = commands;
        this.executor = executor;
    }

    /** Releases the threads, where they are the service's own. */
    public void close() {
    }

    /** Sends {@code command} as the system, under {@code correlationId} (the request that caused it); rethrows its failure. */
    public void send(Object command, String correlationId) {
        MetaData metaData = MetaData.with(RequestMetadata.ACTOR_ID, RequestMetadata.SYSTEM_ACTOR);
        if (correlationId != null) {
            metaData = metaData.and(RequestMetadata.CORRELATION_ID, correlationId);
        }
        var message = GenericCommandMessage.asCommandMessage(command).andMetaData(metaData);
        try {
            CompletableFuture.runAsync(() -> commands.sendAndWait(message), executor).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
