package io.portalusers.standalone;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SettingsApiTest extends ApiTest {

    private static final String REGISTRATION_ON = """
            {"ssoEnabled": false, "thirdPartyRegistrationEnabled": true, "registrationWorkflowEnabled": true}""";
    private static final String ALL_OFF = """
            {"ssoEnabled": false, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}""";

    @Test
    void R_SET_1_a_portal_admin_changes_the_settings_and_the_query_side_shows_them() {
        Api.Response changed = api.put("/api/settings", REGISTRATION_ON).token(admin).send();
        assertThat(changed.status()).isEqualTo(200);
        String version = changed.header("ETag").orElseThrow();

        await().atMost(Duration.ofSeconds(10)).until(
                () -> api.get("/api/settings").token(admin).send(),
                r -> r.json().get("thirdPartyRegistrationEnabled").asBoolean()
                        && r.header("ETag").orElse("").equals(version));

        assertThat(api.put("/api/settings", ALL_OFF).token(admin).header("If-Match", version).send().status())
                .isEqualTo(200);
    }

    @Test
    void R_SET_1_nobody_but_a_portal_admin_changes_the_settings() {
        UserId orgAdmin = givenUser(Role.ORG_ADMIN, new Membership(anOrganization(), Role.ORG_ADMIN));
        long events = eventCount(PortalSettings.ID);

        Api.Response refused = api.put("/api/settings", REGISTRATION_ON).token(tokenFor(orgAdmin)).send();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-SET-1");
        assertThat(eventCount(PortalSettings.ID)).isEqualTo(events);
    }

    @Test
    void every_switch_is_required() {
        Api.Response response = api.put("/api/settings", """
                {"ssoEnabled": true}""").token(admin).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").findValuesAsText("field"))
                .containsExactly("thirdPartyRegistrationEnabled", "registrationWorkflowEnabled");
    }

    private OrganizationId anOrganization() {
        String id = api.post("/api/organizations", """
                {"name": "Settings %s", "accountPlan": "Gold"}""".formatted(System.nanoTime()))
                .token(admin).send().json().get("id").asText();
        return OrganizationId.of(id);
    }
}
