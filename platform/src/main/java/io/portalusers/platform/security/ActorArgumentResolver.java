package io.portalusers.platform.security;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ActorDirectory;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.RuleViolationException;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.List;
import java.util.Optional;

/**
 * Gives a controller method the {@link Actor} of the request (the caller as this service
 * knows it) or, for the audit and report reads, the {@link AuditReader}. A machine client is
 * never an {@code Actor}: were a request of one to get this far past the security filters, it
 * would still be refused here.
 */
@Component
class ActorArgumentResolver implements HandlerMethodArgumentResolver, WebMvcConfigurer {

    private final ActorDirectory directory;

    ActorArgumentResolver(ActorDirectory directory) {
        this.directory = directory;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return Actor.class.equals(parameter.getParameterType()) || AuditReader.class.equals(parameter.getParameterType());
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                  WebDataBinderFactory binders) {
        Optional<MachineClientAuthentication> machine = MachineClientAuthentication.current();
        if (AuditReader.class.equals(parameter.getParameterType())) {
            return machine.<AuditReader>map(client -> new AuditReader.MachineClient(client.clientId()))
                    .orElseGet(() -> new AuditReader.User(actor()));
        }
        if (machine.isPresent()) {
            throw MachineClients.readOnly();
        }
        return actor();
    }

    private Actor actor() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return directory.find(UserId.of(caller.getName()))
                .filter(Actor::enabled)
                .orElseThrow(() -> new RuleViolationException("R-STATE-1", "the acting user is unknown or disabled"));
    }
}
