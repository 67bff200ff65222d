package io.portalusers.standalone;

import io.portalusers.command.CommandSideApplication;
import io.portalusers.platform.StartupRequirement;
import io.portalusers.query.QuerySideApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * R-AUTH-2: only the standalone jar has an embedded default. A side started without a
 * database, or without the issuer and audience that bind callers' tokens to it, or (R-ERASE-1)
 * without the master key of personal data, refuses to start and says what to set, before it
 * opens a port or a connection.
 */
class StartupRequirementsTest {

    private static final String NOWHERE = "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nowhere";
    private static final String ISSUER = "--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example";
    private static final String AUDIENCE = "--spring.security.oauth2.resourceserver.jwt.audiences=portal-users-api";

    private static void start(Class<?> side, String... args) {
        new SpringApplicationBuilder(side).run(args).close();
    }

    @Test
    void R_AUTH_2_a_side_without_a_database_does_not_fall_back_to_the_embedded_default() {
        assertThatThrownBy(() -> start(CommandSideApplication.class, "--server.port=0", ISSUER, AUDIENCE))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("spring.datasource.url is not set")
                .hasMessageContaining("only the standalone jar has an embedded default");
        assertThatThrownBy(() -> start(QuerySideApplication.class, "--server.port=0", ISSUER, AUDIENCE))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("spring.datasource.url is not set");
    }

    @Test
    void R_AUTH_2_a_side_cannot_be_switched_to_the_embedded_default() {
        assertThatThrownBy(() -> start(CommandSideApplication.class, "--server.port=0", "--portal.embedded.enabled=true"))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("no embedded default");
    }

    @Test
    void R_AUTH_2_a_side_without_an_issuer_or_an_audience_does_not_start() {
        assertThatThrownBy(() -> start(CommandSideApplication.class, "--server.port=0", NOWHERE, AUDIENCE))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("bound to no issuer");
        assertThatThrownBy(() -> start(QuerySideApplication.class, "--server.port=0", NOWHERE, ISSUER))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("bound to no audience");
    }

    @Test
    void R_ERASE_1_a_side_without_a_master_key_of_personal_data_does_not_start() {
        assertThatThrownBy(() -> start(CommandSideApplication.class, "--server.port=0", NOWHERE, ISSUER, AUDIENCE))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("portal.privacy.master-key is not set");
        assertThatThrownBy(() -> start(QuerySideApplication.class, "--server.port=0", NOWHERE, ISSUER, AUDIENCE))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("portal.privacy.master-key is not set");
        assertThatThrownBy(() -> start(PortalUsersApplication.class, "--server.port=0", NOWHERE, ISSUER, AUDIENCE))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("portal.privacy.master-key is not set");
        // with one, sides start: OwnSignInAcrossSidesTest, MultiNodeTest, ProductionConfigurationTest
    }

    @Test
    void R_AUTH_2_the_standalone_jar_with_a_database_is_held_to_the_same_settings() {
        assertThatThrownBy(() -> start(PortalUsersApplication.class, "--server.port=0", NOWHERE, ISSUER))
                .isInstanceOf(StartupRequirement.class)
                .hasMessageContaining("bound to no audience");
    }
}
