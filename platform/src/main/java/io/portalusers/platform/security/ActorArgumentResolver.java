package io.portalusers.platform.security;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ActorDirectory;
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

/** Gives a controller method the {@link Actor} of the request: the caller as this service knows it. */
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
        return Actor.class.equals(parameter.getParameterType());
    }

    @Override
    public Actor resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest request,
                                 WebDataBinderFactory binders) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return directory.find(UserId.of(caller.getName()))
                .filter(Actor::enabled)
                .orElseThrow(() -> new RuleViolationException("R-STATE-1", "the acting user is unknown or disabled"));
    }
}
