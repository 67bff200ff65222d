package io.portalusers.console;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Adds the console's defaults ({@code console-defaults.properties}) where the console runs:
 * just above the platform's defaults, so that the links in emails open the console's pages
 * (account setup, password reset) instead of the API's JSON, and below everything an operator
 * configures. A side jar without the console keeps the platform's defaults.
 */
public class ConsoleDefaults implements EnvironmentPostProcessor, Ordered {

    static final String NAME = "console-defaults";
    private static final String PLATFORM_DEFAULTS = "portal-users-defaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MutablePropertySources sources = environment.getPropertySources();
        if (sources.contains(NAME)) {
            return;
        }
        ResourcePropertySource defaults;
        try {
            defaults = new ResourcePropertySource(NAME, new ClassPathResource("console-defaults.properties"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sources.contains(PLATFORM_DEFAULTS)) {
            sources.addBefore(PLATFORM_DEFAULTS, defaults);
        } else {
            sources.addLast(defaults);
        }
    }

    /**
     * Either side of the platform's post-processor: after it, the console's defaults go just above
     * the platform's; before it, they go last, and the platform's are added after them.
     */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
