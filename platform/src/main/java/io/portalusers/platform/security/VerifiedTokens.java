package io.portalusers.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;

import java.time.Clock;
import java.time.Duration;

/**
 * A token source's decoder that remembers, for a short while, the tokens it has verified: a
 * client sends the same bearer token with each of its requests, and checking its RSA signature,
 * parsing its claims and validating issuer and audience again each time was a tenth of a
 * request's CPU.
 *
 * <p>Only what cannot change for the same token string is remembered: its signature, issuer and
 * audience. Its lifetime ({@code exp}, {@code nbf}) is checked again at every use, with the
 * clock skew Spring's default validator allows. Who the subject is, whether that user is still
 * enabled, and what it may do are not part of the token: they are read afresh for every
 * request (see {@link ActorAuthenticationConverter}). A token bound to a client certificate
 * ({@code cnf} claim) is never remembered: its check depends on the request's connection.
 *
 * <p>An entry lives one minute, as long as a node keeps the signing keys it read: a key taken
 * away (a rotation, a compromised key removed) stops verifying its tokens here within about the
 * same time as without this cache. Bounded in size; a token never verified is never here, so
 * what an unverified caller sends cannot fill it.
 */
final class VerifiedTokens implements JwtDecoder {

    private static final Duration KEPT = Duration.ofMinutes(1);
    private static final int MAXIMUM = 10_000;

    private final JwtDecoder delegate;
    private final OAuth2TokenValidator<Jwt> lifetime;
    private final Cache<String, Jwt> verified = Caffeine.newBuilder()
            .expireAfterWrite(KEPT)
            .maximumSize(MAXIMUM)
            .build();

    VerifiedTokens(JwtDecoder delegate) {
        this(delegate, Clock.systemUTC());
    }

    VerifiedTokens(JwtDecoder delegate, Clock clock) {
        this.delegate = delegate;
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        this.lifetime = timestamps;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt known = verified.getIfPresent(token);
        if (known != null) {
            OAuth2TokenValidatorResult result = lifetime.validate(known);
            if (result.hasErrors()) {
                verified.invalidate(token);
                throw new JwtValidationException("the token is outside its lifetime", result.getErrors());
            }
            return known;
        }
        Jwt jwt = delegate.decode(token);
        if (!jwt.hasClaim("cnf")) {
            verified.put(token, jwt);
        }
        return jwt;
    }
}
