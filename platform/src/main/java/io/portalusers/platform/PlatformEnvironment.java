package io.portalusers.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Adds the platform's defaults below every other source, and decides the mode. The embedded
 * default (embedded PostgreSQL, local signing key, development tokens, mail to a folder) runs
 * only in an application that declares {@link EmbeddedDefault} (the standalone jar), and only
 * while no {@code spring.datasource.url} is set. Everywhere else the service refuses to start
 * without a database, and without the issuer and the audience that bind callers' tokens to it.
 */
public class PlatformEnvironment implements EnvironmentPostProcessor, Ordered {

    public static final String EMBEDDED = "portal.embedded.enabled";
    public static final String ISSUER = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    public static final String AUDIENCES = "spring.security.oauth2.resourceserver.jwt.audiences";
    /** The issuer of the service's own sign-in (the identity module), where it runs. */
    public static final String OWN_ISSUER = "portal.identity.issuer";
    /** The audience of the embedded default's own tokens, unless another is configured. */
    public static final String EMBEDDED_AUDIENCE = "portal-users";
    private static final String DATASOURCE = "spring.datasource.url";
    /** The key that wraps each person's data key (privacy); only the embedded default makes its own. */
    private static final String MASTER_KEY = "portal.privacy.master-key";
    private static final String UPDATE_CHECKER = "axoniq.update-checker.disabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // Axon reports usage to its vendor unless told not to; a user-management service
        // does not phone home. Setting the property explicitly (even to false) wins.
        if (System.getProperty(UPDATE_CHECKER) == null && System.getenv("AXONIQ_UPDATE_CHECKER_DISABLED") == null) {
            System.setProperty(UPDATE_CHECKER, "true");
        }
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource(
                    "portal-users-defaults", new ClassPathResource("portal-users-defaults.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean allowed = application.getAllSources().stream()
                .anyMatch(source -> source instanceof Class<?> type && type.isAnnotationPresent(EmbeddedDefault.class));
        boolean database = hasText(environment, DATASOURCE);
        Boolean asked = environment.getProperty(EMBEDDED, Boolean.class);
        if (Boolean.TRUE.equals(asked) && !allowed) {
            throw new StartupRequirement(EMBEDDED + " is true, but this application has no embedded default.",
                    "Only the standalone jar runs on the embedded default. Configure SPRING_DATASOURCE_URL instead.");
        }
        boolean embedded = asked != null ? asked : allowed && !database;
        environment.getPropertySources().addFirst(new MapPropertySource("portal-users-mode", Map.of(EMBEDDED, embedded)));
        if (embedded) {
            environment.getPropertySources().addBefore("portal-users-defaults", new MapPropertySource("portal-users-embedded-defaults", Map.of(
                    AUDIENCES, EMBEDDED_AUDIENCE,
                    "portal.security.audit-clients", "reporting",
                    "portal.security.metrics-clients", "prometheus")));
            return;
        }
        require(database, "No database is configured: " + DATASOURCE + " is not set"
                        + (allowed ? " and the embedded default is switched off." : ", and only the standalone jar has an embedded default."),
                "Set SPRING_DATASOURCE_URL (and SPRING_DATASOURCE_USERNAME, SPRING_DATASOURCE_PASSWORD) to the PostgreSQL "
                        + "that this node shares with the others.");
        require(hasText(environment, ISSUER) || hasText(environment, OWN_ISSUER),
                "Callers' tokens would be bound to no issuer: neither " + ISSUER + " (an external identity provider) nor "
                        + OWN_ISSUER + " (this service's own sign-in) is set.",
                "Set SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI to the issuer your identity provider writes into "
                        + "its tokens' iss claim, and where its keys are (SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI or "
                        + "..._PUBLIC_KEY_LOCATION; without either, the issuer's discovery document says).");
        require(!Binder.get(environment).bind(AUDIENCES, Bindable.listOf(String.class)).orElse(List.of()).isEmpty(),
                "Callers' tokens would be bound to no audience: " + AUDIENCES + " is not set, so a token your identity "
                        + "provider issued for any other API would be accepted here.",
                "Set SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES to the audience (aud) your identity provider "
                        + "issues this service's tokens for.");
        require(hasText(environment, MASTER_KEY),
                "Personal data would have no master key: " + MASTER_KEY + " is not set, and a key kept in the database"
                        + " would protect nothing against a copy of it.",
                "Set PORTAL_PRIVACY_MASTER_KEY to 32 random bytes in Base64 (openssl rand -base64 32), the same on every"
                        + " node, kept apart from the database and its backups.");
    }

    private static boolean hasText(ConfigurableEnvironment environment, String property) {
        String value = environment.getProperty(property);
        return value != null && !value.isBlank();
    }

    private static void require(boolean met, String problem, String action) {
        if (!met) {
            throw new StartupRequirement(problem, action);
        }
    }

    /** After Boot has read application.properties, so that a configured datasource counts. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
