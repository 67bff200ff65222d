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
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A valid signature is not enough: the subject must be a user this service knows and has
 * not disabled. The token's own role, group and scope claims are ignored for users: a user
 * can do what its account may, whatever the token says.
 *
 * <p>One exception: a token whose subject is no user at all (a client id, as client
 * credentials tokens have) but that carries the {@code audit:read} scope makes its caller a
 * {@link MachineClientAuthentication}, which may only read the audit record and the reports.
 * A known user's token never becomes one, even a disabled user's. Every refusal is the same
 * "invalid token", so a caller learns nothing about which check failed.
 */
@Component
public class ActorAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    /** What a client id may look like: visible ASCII without separators, as identity providers name clients. */
    static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~:@/-]{1,128}");

    private final ActorDirectory directory;

    public ActorAuthenticationConverter(ActorDirectory directory) {
        this.directory = directory;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        String subject = jwt.getSubject();
        Optional<UserId> userId = userId(subject);
        Optional<Actor> actor = userId.flatMap(directory::find);
        if (actor.isPresent()) {
            if (!actor.get().enabled()) {
                throw new InvalidBearerTokenException("invalid token");
            }
            return new JwtAuthenticationToken(jwt, List.of(), userId.get().toString());
        }
        if (subject != null && CLIENT_ID.matcher(subject).matches()
                && MachineClientAuthentication.scopes(jwt).contains(MachineClientAuthentication.AUDIT_READ)) {
            return new MachineClientAuthentication(jwt, subject);
        }
        throw new InvalidBearerTokenException("invalid token");
    }

    private static Optional<UserId> userId(String subject) {
        try {
            return Optional.of(UserId.of(subject));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
