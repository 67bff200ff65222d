package io.portalusers.platform.embedded;

import io.portalusers.api.UserId;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Mints bearer tokens with the local key, bound to this service as any identity provider's
 * must be: its issuer and its audience. Exists in the embedded default only.
 */
public class LocalTokens {

    public static final String ISSUER = "portal-users-embedded";

    private final JwtEncoder encoder;
    private final String audience;
    private final Duration ttl;
    private final Clock clock;

    LocalTokens(JwtEncoder encoder, String audience, Duration ttl, Clock clock) {
        this.encoder = encoder;
        this.audience = audience;
        this.ttl = ttl;
        this.clock = clock;
    }

    public IssuedToken issue(UserId subject) {
        return issue(subject, "");
    }

    /** A user's token with a {@code scope} claim (space-separated; none when blank), which grants a user nothing. */
    public IssuedToken issue(UserId subject, String scope) {
        Instant expiresAt = clock.instant().plus(ttl);
        return new IssuedToken(encode(subject.toString(), scope, expiresAt), subject, expiresAt);
    }

    /**
     * A machine client's token, as an identity provider issues for the client credentials
     * grant: the subject is the client id, the {@code scope} claim says what it may do.
     */
    public ClientToken issueForClient(String clientId, String scope) {
        Instant expiresAt = clock.instant().plus(ttl);
        return new ClientToken(encode(clientId, scope, expiresAt), clientId, scope, expiresAt);
    }

    private String encode(String subject, String scope, Instant expiresAt) {
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .audience(List.of(audience))
                .subject(subject)
                .issuedAt(clock.instant())
                .expiresAt(expiresAt);
        if (!scope.isBlank()) {
            claims.claim("scope", scope);
        }
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build()))
                .getTokenValue();
    }

    public record IssuedToken(String token, UserId userId, Instant expiresAt) {
    }

    public record ClientToken(String token, String clientId, String scope, Instant expiresAt) {
    }
}
