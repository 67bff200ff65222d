package io.portalusers.command.actor;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.security.MachineClientAuthentication;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.Optional;
import java.util.function.Function;

/**
 * Looks up the command's actor inside the command's own transaction, so that rules are
 * decided against the actor's state as of the events, never a lagging view. Handlers then
 * take an {@link Actor} parameter ({@link ActorParameterResolverFactory}).
 *
 * <p>A command of a SCIM client (actor {@code client:<id>}, as only an authenticated machine
 * client's requests are stamped) gets that client as its actor when it is a registered SCIM
 * client; any other machine client's command has no actor and is refused.
 */
public class ActorInterceptor implements MessageHandlerInterceptor<CommandMessage<?>> {

    static final String RESOURCE = Actor.class.getName();

    private final Function<UserId, Optional<Actor>> actors;
    private final Function<String, Optional<Actor>> clients;

    public ActorInterceptor(Function<UserId, Optional<Actor>> actors) {
        this(actors, clientId -> Optional.empty());
    }

    public ActorInterceptor(Function<UserId, Optional<Actor>> actors, Function<String, Optional<Actor>> clients) {
        this.actors = actors;
        this.clients = clients;
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Object actorId = unitOfWork.getMessage().getMetaData().get(RequestMetadata.ACTOR_ID);
        if (actorId instanceof String id && id.startsWith(MachineClientAuthentication.NAME_PREFIX)) {
            clients.apply(id.substring(MachineClientAuthentication.NAME_PREFIX.length()))
                    .ifPresent(actor -> unitOfWork.resources().put(RESOURCE, actor));
        } else if (actorId instanceof String id && !RequestMetadata.SYSTEM_ACTOR.equals(id)) {
            parse(id).flatMap(actors).ifPresent(actor -> unitOfWork.resources().put(RESOURCE, actor));
        }
        return chain.proceed();
    }

    private static Optional<UserId> parse(String id) {
        try {
            return Optional.of(UserId.of(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
