package io.portalusers.console;

import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;

import java.util.Map;

/**
 * The console as a client of the service's OpenID Connect provider: a public client (no
 * secret to keep), so Spring Security sends a PKCE challenge with every authorization request.
 * Made on first use rather than from the provider's discovery document at start-up: in one JVM
 * the provider answers only once this node listens, and only then is its port known.
 */
final class SignInRegistration implements ClientRegistrationRepository {

    static final String ID = "console";

    private final ConsoleProperties properties;
    private final Environment environment;
    private volatile ClientRegistration registration;

    SignInRegistration(ConsoleProperties properties, Environment environment) {
        this.properties = properties;
        this.environment = environment;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration made = registration;
        if (made == null) {
            made = make();
            registration = made;
        }
        return made;
    }

    private ClientRegistration make() {
        String backChannel = backChannel(properties, environment);
        // blank: the browser's own origin, which is this JVM's sign-in
        String browser = properties.signInUrl() == null ? "" : properties.signInUrl();
        return ClientRegistration.withRegistrationId(ID)
                .clientId(properties.clientId())
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}" + ConsoleConfiguration.ROOT + "/login/oauth2/code/{registrationId}")
                .scope("openid", "profile")
                .authorizationUri(browser + "/oauth2/authorize")
                .tokenUri(backChannel + "/oauth2/token")
                .jwkSetUri(backChannel + "/oauth2/jwks")
                .issuerUri(issuer())
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(Map.of("end_session_endpoint", browser + "/connect/logout"))
                .clientName("Admin console")
                .build();
    }

    /** The issuer ID tokens must name: as configured, else the sign-in's own rule for this JVM. */
    private String issuer() {
        if (properties.issuer() != null) {
            return properties.issuer();
        }
        String own = environment.getProperty("portal.identity.issuer", "");
        return own.isBlank() ? "http://localhost:" + environment.getProperty("server.port", "8080") : own.strip();
    }

    /** Where the console calls the API and the sign-in's token endpoint: as configured, else this node over loopback. */
    static String backChannel(ConsoleProperties properties, Environment environment) {
        if (properties.apiUrl() != null) {
            return properties.apiUrl();
        }
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        return "http://localhost:" + port;
    }
}
