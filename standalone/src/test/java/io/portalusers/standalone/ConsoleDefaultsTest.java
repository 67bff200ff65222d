package io.portalusers.standalone;

import io.portalusers.console.ConsoleDefaults;
import io.portalusers.platform.PlatformEnvironment;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the console runs, the emailed links open its pages by default, and an operator's
 * setting still wins: the console's defaults sit just above the platform's, whichever of the
 * two post-processors runs first.
 */
class ConsoleDefaultsTest {

    private static final String SETUP = "portal.mail.account-setup-link";
    private static final String RESET = "portal.mail.password-reset-link";
    private static final String FORGOT = "portal.identity.forgot-password-link";

    @Test
    void the_links_open_the_consoles_pages_in_the_recipients_language_by_default() {
        for (boolean consoleFirst : new boolean[]{true, false}) {
            StandardEnvironment environment = environment(Map.of("server.port", "9999"), consoleFirst);

            assertThat(environment.getProperty(SETUP)).isEqualTo("http://localhost:9999/console/account-setup/{token}?lang={lang}");
            assertThat(environment.getProperty(RESET)).isEqualTo("http://localhost:9999/console/password-reset/{token}?lang={lang}");
            assertThat(environment.getProperty(FORGOT)).isEqualTo("/console/password-reset?lang={lang}");
            // the platform's other defaults are still there, below
            assertThat(environment.getProperty("portal.mail.from")).isEqualTo("API Portal <no-reply@portal.example>");
        }
    }

    @Test
    void an_operators_setting_wins_over_the_consoles_default() {
        for (boolean consoleFirst : new boolean[]{true, false}) {
            StandardEnvironment environment = environment(Map.of(
                    SETUP, "https://portal.example/activate?t={token}",
                    RESET, "https://portal.example/reset?t={token}",
                    FORGOT, ""), consoleFirst);

            assertThat(environment.getProperty(SETUP)).isEqualTo("https://portal.example/activate?t={token}");
            assertThat(environment.getProperty(RESET)).isEqualTo("https://portal.example/reset?t={token}");
            assertThat(environment.getProperty(FORGOT)).isEmpty();
        }
    }

    private static StandardEnvironment environment(Map<String, Object> configured, boolean consoleFirst) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("configured", configured));
        SpringApplication application = new SpringApplication(PortalUsersApplication.class);
        if (consoleFirst) {
            new ConsoleDefaults().postProcessEnvironment(environment, application);
            new PlatformEnvironment().postProcessEnvironment(environment, application);
        } else {
            new PlatformEnvironment().postProcessEnvironment(environment, application);
            new ConsoleDefaults().postProcessEnvironment(environment, application);
        }
        return environment;
    }
}
