package io.portalusers.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The sign-in's settings ({@code portal.identity.*}); their defaults are in
 * {@code identity-defaults.properties}.
 *
 * @param issuer           the issuer URL written into every token and published by discovery; the embedded
 *                         default uses {@code http://localhost:<port>}
 * @param accessTokenTtl   how long an access token (and an ID token) is valid
 * @param refreshTokenTtl  how long a refresh token is valid; each use replaces it (rotation)
 * @param keyRotation      how long a signing key signs before a new one takes over
 * @param passwordResetTtl how long a password reset link works after it was asked for (R-AUTH-4): shorter
 *                         than an activation link's, as it opens an account that is already in use
 * @param portalClient     the public client {@code portal}, the portal's own web app and scripts
 * @param machineClients   confidential clients of other systems (client credentials), by client id
 */
@ConfigurationProperties("portal.identity")
public record IdentityProperties(
        String issuer,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration keyRotation,
        Duration passwordResetTtl,
        @DefaultValue PortalClient portalClient,
        Map<String, MachineClient> machineClients) {

    public IdentityProperties {
        machineClients = machineClients == null ? Map.of() : Map.copyOf(machineClients);
    }

    /** @param redirectUris where the portal's web app receives its authorization codes */
    public record PortalClient(@DefaultValue List<String> redirectUris) {
    }

    /**
     * @param secret the client secret as Spring Security's password encoders store it:
     *               {@code {bcrypt}...} or {@code {argon2@SpringSecurity_v5_8}...}; {@code {noop}...} only to try it out
     * @param scopes the scopes it may ask for ({@code audit:read}, {@code metrics:read})
     */
    public record MachineClient(String secret, @DefaultValue List<String> scopes) {
    }
}
