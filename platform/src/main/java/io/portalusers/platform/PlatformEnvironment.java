package io.portalusers.platform;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Adds the platform's defaults below every other source, and decides the mode: with no
 * {@code spring.datasource.url} anywhere, the service runs on its embedded defaults
 * (embedded PostgreSQL, local signing key, mail to a folder).
 */
public class PlatformEnvironment implements EnvironmentPostProcessor, Ordered {

    public static final String EMBEDDED = "portal.embedded.enabled";
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
        if (!environment.containsProperty(EMBEDDED)) {
            boolean embedded = !environment.containsProperty("spring.datasource.url");
            environment.getPropertySources().addFirst(new MapPropertySource("portal-users-mode", Map.of(EMBEDDED, embedded)));
        }
    }

    /** After Boot has read application.properties, so that a configured datasource counts. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
