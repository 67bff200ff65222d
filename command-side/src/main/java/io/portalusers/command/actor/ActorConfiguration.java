package io.portalusers.command.actor;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ActorDirectory;
import io.portalusers.platform.security.ScimClients;
import org.axonframework.commandhandling.CommandBus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ActorConfiguration {

    @Autowired
    void resolveActors(CommandBus commandBus, ActorDirectory directory, ScimClients scimClients) {
        commandBus.registerHandlerInterceptor(new ActorInterceptor(directory::find,
                clientId -> scimClients.schemeOf(clientId).map(scheme -> Actor.provisioner(clientId, scheme))));
    }
}
