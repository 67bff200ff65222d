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
 * @param consoleClient    the public client {@code console}, the admin console; registered where it has a redirect
 * @param machineClients   confidential clients of other systems (client credentials), by client id
 * @param throttle         how failed password sign-ins are slowed (R-AUTH-3)
 */
@ConfigurationProperties("portal.identity")
public record IdentityProperties(
        String issuer,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration keyRotation,
        Duration passwordResetTtl,
        @DefaultValue PortalClient portalClient,
        @DefaultValue ConsoleClient consoleClient,
        Map<String, MachineClient> machineClients,
        @DefaultValue Throttle throttle) {

    public IdentityProperties {
        machineClients = machineClients == null ? Map.of() : Map.copyOf(machineClients);
    }

    /**
     * R-AUTH-3: after {@code *FreeFailures} consecutive failures of an account, of an account from one
     * client, or of one client across accounts, each further attempt there is refused without
     * checking the password until a delay has passed: {@code firstDelay}, doubled with each
     * further failure, at most {@code *MaxDelay}. A client from which the account signed in within
     * {@code knownClientFor} is judged by its own failures only, so an attacker elsewhere cannot
     * keep the user out. Failures are forgotten {@code forgetAfter} after the last one.
     */
    public record Throttle(
            @DefaultValue("10") int accountFreeFailures,
            @DefaultValue("5m") Duration accountMaxDelay,
            @DefaultValue("5") int pairFreeFailures,
            @DefaultValue("15m") Duration pairMaxDelay,
            @DefaultValue("50") int clientFreeFailures,
            @DefaultValue("15m") Duration clientMaxDelay,
            @DefaultValue("1s") Duration firstDelay,
            @DefaultValue("24h") Duration forgetAfter,
            @DefaultValue("30d") Duration knownClientFor,
            @DefaultValue("1h") Duration purgeInterval) {

        public Throttle {
            if (accountFreeFailures < 1 || pairFreeFailures < 1 || clientFreeFailures < 1) {
                throw new IllegalArgumentException("portal.identity.throttle.*-free-failures must be at least 1");
            }
            if (firstDelay.isNegative() || firstDelay.isZero()) {
                throw new IllegalArgumentException("portal.identity.throttle.first-delay must be positive");
            }
        }
    }

    /** @param redirectUris where the portal's web app receives its authorization codes */
    public record PortalClient(@DefaultValue List<String> redirectUris) {
    }

    /**
     * @param redirectUris           where the console receives its authorization codes
     *                               ({@code https://<host>/console/login/oauth2/code/console})
     * @param postLogoutRedirectUris where the sign-in sends a browser back after signing out ({@code https://<host>/console})
     */
    public record ConsoleClient(@DefaultValue List<String> redirectUris, @DefaultValue List<String> postLogoutRedirectUris) {
    }

    /**
     * @param secret the client secret as Spring Security's password encoders store it:
     *               {@code {bcrypt}...} or {@code {argon2@SpringSecurity_v5_8}...}; {@code {noop}...} only to try it out
     * @param scopes the scopes it may ask for ({@code audit:read}, {@code metrics:read})
     */
    public record MachineClient(String secret, @DefaultValue List<String> scopes) {
    }
}
