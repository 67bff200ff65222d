package io.portalusers.command.actor;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.RuleViolationException;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.annotation.ParameterResolver;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;

/**
 * Resolves a handler's {@link Actor} parameter to the actor {@link ActorInterceptor} found.
 * A command whose actor is unknown or disabled is refused before any rule is asked.
 * Registered through META-INF/services, so that Axon's test fixtures find it too.
 */
public class ActorParameterResolverFactory implements ParameterResolverFactory {

    @Override
    public ParameterResolver<Actor> createInstance(Executable executable, Parameter[] parameters, int index) {
        if (!Actor.class.equals(parameters[index].getType())) {
            return null;
        }
        return new ParameterResolver<>() {
            @Override
            public Actor resolveParameterValue(Message<?> message) {
                Actor actor = CurrentUnitOfWork.isStarted()
                        ? CurrentUnitOfWork.get().getResource(ActorInterceptor.RESOURCE)
                        : null;
                if (actor == null || !actor.enabled()) {
                    throw new RuleViolationException("R-STATE-1", "the acting user is unknown or disabled");
                }
                return actor;
            }

            @Override
            public boolean matches(Message<?> message) {
                return true;
            }
        };
    }
}
