package io.portalusers.platform.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A caller that is not a user of this service but a machine client: an auditor's or a
 * reporting tool's whose token carries the {@value #AUDIT_READ} scope, a metrics scraper's
 * with {@value #METRICS_READ}, or an identity provider's SCIM client with {@value #SCIM_WRITE},
 * each allowed by configuration. It reads what its granted scopes
 * cover, and nothing else: every other request is refused before any controller runs (see
 * {@link MachineClients}).
 */
public final class MachineClientAuthentication extends AbstractAuthenticationToken {

    public static final String AUDIT_READ = "audit:read";
    public static final String METRICS_READ = "metrics:read";
    /** An identity provider's SCIM client: it provisions the users of its scheme at /scim/v2 (see {@link ScimClients}). */
    public static final String SCIM_WRITE = "scim:write";
    /** The name it goes by wherever a caller's name is kept (never a user id). */
    public static final String NAME_PREFIX = "client:";

    private final Jwt token;
    private final String clientId;
    private final Set<String> granted;

    MachineClientAuthentication(Jwt token, String clientId, Set<String> granted) {
        super(granted.stream().map(scope -> new SimpleGrantedAuthority("SCOPE_" + scope)).toList());
        this.token = token;
        this.clientId = clientId;
        this.granted = Set.copyOf(granted);
        setAuthenticated(true);
    }

    public String clientId() {
        return clientId;
    }

    /** Whether the client asked for {@code scope} and its configuration allows it. */
    public boolean has(String scope) {
        return granted.contains(scope);
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return clientId;
    }

    @Override
    public String getName() {
        return NAME_PREFIX + clientId;
    }

    /** The machine client of the current request, if the caller is one. */
    public static Optional<MachineClientAuthentication> current() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller instanceof MachineClientAuthentication machine ? Optional.of(machine) : Optional.empty();
    }

    /**
     * The token's scopes: {@code scope} as a space-separated string (RFC 8693, RFC 9068) or
     * {@code scp} as a list or a string (as some identity providers send it).
     */
    static Set<String> scopes(Jwt jwt) {
        return Stream.of("scope", "scp")
                .map(jwt.getClaims()::get)
                .flatMap(MachineClientAuthentication::values)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Stream<String> values(Object claim) {
        if (claim instanceof String text) {
            return Stream.of(text.trim().split("\\s+")).filter(s -> !s.isEmpty());
        }
        if (claim instanceof Collection<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).flatMap(s -> values((Object) s));
        }
        return Stream.empty();
    }
}
