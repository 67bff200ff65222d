package io.portalusers.platform.security;

import io.portalusers.api.UserId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ActorDirectory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A valid signature is not enough: the subject must be a user this service knows and has
 * not disabled. The token's own role, group and scope claims are ignored for users: a user
 * can do what its account may, whatever the token says.
 *
 * <p>A subject names a user only in the canonical form of a user id: a lenient parse would
 * take {@code 0-0-4000-8000-1} for the bootstrap admin.
 *
 * <p>One exception: a token whose subject is no user at all (a client id, as client
 * credentials tokens have), that carries the {@code audit:read}, {@code metrics:read} or
 * {@code scim:write} scope and whose client id is on that scope's allowlist
 * ({@code portal.security.audit-clients}, {@code portal.security.metrics-clients},
 * {@code portal.security.scim-clients}) makes its caller a
 * {@link MachineClientAuthentication}, which may only read what the scope covers.
 * A known user's token never becomes one, even a disabled user's. Every refusal is the same
 * "invalid token" to the caller, so it learns nothing about which check failed; operators
 * see which one (see {@link SecurityRefusals}).
 */
@Component
public class ActorAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    /** What a client id may look like: visible ASCII without separators, as identity providers name clients. */
    static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~:@/-]{1,128}");

    private final ActorDirectory directory;
    /** Per machine-client scope, the client ids allowed to hold it. */
    private final Map<String, Set<String>> allowed;

    public ActorAuthenticationConverter(ActorDirectory directory,
                                        @Value("${portal.security.audit-clients:}") List<String> auditClients,
                                        @Value("${portal.security.metrics-clients:}") List<String> metricsClients,
                                        ScimClients scimClients) {
        this.directory = directory;
        this.allowed = Map.of(MachineClientAuthentication.AUDIT_READ, ids(auditClients),
                MachineClientAuthentication.METRICS_READ, ids(metricsClients),
                MachineClientAuthentication.SCIM_WRITE, Set.copyOf(scimClients.clientIds()));
    }

    private static Set<String> ids(List<String> configured) {
        return configured.stream().map(String::strip).filter(id -> !id.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        String subject = jwt.getSubject();
        Optional<UserId> userId = userId(subject);
        Optional<Actor> actor = userId.flatMap(directory::find);
        if (actor.isPresent()) {
            if (!actor.get().enabled()) {
                throw new InvalidBearerTokenException("the subject is a disabled user");
            }
            return new JwtAuthenticationToken(jwt, List.of(), userId.get().toString());
        }
        if (userId.isEmpty() && subject != null && CLIENT_ID.matcher(subject).matches()) {
            Set<String> asked = MachineClientAuthentication.scopes(jwt);
            Set<String> granted = allowed.entrySet().stream()
                    .filter(scope -> asked.contains(scope.getKey()) && scope.getValue().contains(subject))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toUnmodifiableSet());
            if (!granted.isEmpty()) {
                return new MachineClientAuthentication(jwt, subject, granted);
            }
            if (allowed.keySet().stream().anyMatch(asked::contains)) {
                throw new InvalidBearerTokenException("a machine client that is not on the allowlist of its scope");
            }
        }
        throw new InvalidBearerTokenException("the subject is no user of this service");
    }

    private static Optional<UserId> userId(String subject) {
        try {
            return Optional.of(UserId.of(subject));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
