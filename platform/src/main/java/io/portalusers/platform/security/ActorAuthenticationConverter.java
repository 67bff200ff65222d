package io.portalusers.platform.security;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ActorDirectory;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * A valid signature is not enough: the subject must be a user this service knows and has
 * not disabled. The token's own role or group claims are ignored. Every refusal is the same
 * "invalid token", so a caller learns nothing about which check failed.
 */
@Component
public class ActorAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private final ActorDirectory directory;

    public ActorAuthenticationConverter(ActorDirectory directory) {
        this.directory = directory;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        UserId userId;
        try {
            userId = UserId.of(jwt.getSubject());
        } catch (RuntimeException e) {
            throw new InvalidBearerTokenException("invalid token");
        }
        directory.find(userId)
                .filter(Actor::enabled)
                .orElseThrow(() -> new InvalidBearerTokenException("invalid token"));
        return new JwtAuthenticationToken(jwt, List.of(), userId.toString());
    }
}
