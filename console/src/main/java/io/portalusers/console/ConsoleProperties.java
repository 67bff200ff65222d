package io.portalusers.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The console's settings ({@code portal.console.*}). Blank means "this JVM": the console then
 * calls the API and the sign-in's back channel on this node's own port over loopback, and sends
 * browsers to the sign-in on the origin they came from.
 *
 * @param apiUrl     where the console calls the REST API (and the sign-in's token endpoint and keys), e.g.
 *                   {@code http://command-side:8081} when the console runs apart from the API
 * @param signInUrl  the sign-in's public address as browsers reach it ({@code /oauth2/authorize},
 *                   {@code /connect/logout}); blank: the origin of the console's own pages
 * @param issuer     the issuer the console expects in ID tokens; blank: the sign-in's own rule
 *                   ({@code portal.identity.issuer}, else {@code http://localhost:<server.port>})
 * @param clientId   the sign-in's client the console signs in as (a public client with PKCE)
 */
@ConfigurationProperties("portal.console")
public record ConsoleProperties(String apiUrl, String signInUrl, String issuer, String clientId) {

    public ConsoleProperties {
        apiUrl = blankToNull(apiUrl);
        signInUrl = blankToNull(signInUrl);
        issuer = blankToNull(issuer);
        clientId = clientId == null || clientId.isBlank() ? "console" : clientId.strip();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip().replaceAll("/+$", "");
    }
}
