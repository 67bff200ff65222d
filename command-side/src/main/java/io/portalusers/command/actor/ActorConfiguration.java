package io.portalusers.command.actor;

import io.portalusers.platform.actor.ActorDirectory;
import org.axonframework.commandhandling.CommandBus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ActorConfiguration {

    @Autowired
    void resolveActors(CommandBus commandBus, ActorDirectory directory) {
        commandBus.registerHandlerInterceptor(new ActorInterceptor(directory::find));
    }
}
