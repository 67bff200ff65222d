package io.portalusers.command.actor;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.request.RequestMetadata;
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
 */
public class ActorInterceptor implements MessageHandlerInterceptor<CommandMessage<?>> {

    static final String RESOURCE = Actor.class.getName();

    private final Function<UserId, Optional<Actor>> actors;

    public ActorInterceptor(Function<UserId, Optional<Actor>> actors) {
        this.actors = actors;
    }

    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Object actorId = unitOfWork.getMessage().getMetaData().get(RequestMetadata.ACTOR_ID);
        if (actorId instanceof String id && !RequestMetadata.SYSTEM_ACTOR.equals(id)) {
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
