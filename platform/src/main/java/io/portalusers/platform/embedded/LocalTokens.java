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

/** Mints bearer tokens with the local key. Exists in the embedded default only. */
public class LocalTokens {

    public static final String ISSUER = "portal-users-embedded";

    private final JwtEncoder encoder;
    private final Duration ttl;
    private final Clock clock;

    LocalTokens(JwtEncoder encoder, Duration ttl, Clock clock) {
        this.encoder = encoder;
        this.ttl = ttl;
        this.clock = clock;
    }

    public IssuedToken issue(UserId subject) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(subject.toString())
                .issuedAt(now)
                .expiresAt(expiresAt)
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
        return new IssuedToken(token, subject, expiresAt);
    }

    public record IssuedToken(String token, UserId userId, Instant expiresAt) {
    }
}
