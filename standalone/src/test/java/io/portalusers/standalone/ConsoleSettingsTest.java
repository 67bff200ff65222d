package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Settings page: a Portal Admin sets the portal's switches with the version it read; a
 * change made meanwhile is a conflict, shown in the API's words; an Org Admin has no menu entry
 * and the API refuses its change (R-SET-1). The settings are the whole service's: each test puts
 * back those it found.
 */
class ConsoleSettingsTest extends ConsoleTest {

    private String found;

    @BeforeEach
    void remember() {
        JsonNode settings = api.get("/api/settings").token(admin).send().json();
        found = """
                {"ssoEnabled": %s, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}""".formatted(
                settings.get("ssoEnabled").asBoolean(), settings.get("thirdPartyRegistrationEnabled").asBoolean(),
                settings.get("registrationWorkflowEnabled").asBoolean());
    }

    @AfterEach
    void putBack() {
        assertThat(api.put("/api/settings", found).token(admin).send().status()).isEqualTo(200);
    }

    @Test
    void R_SET_1_a_portal_admin_changes_the_settings_and_a_change_made_meanwhile_is_a_conflict() {
        Account petra = activeAccount("Petra", "Q" + letters(9), "PORTAL_ADMIN");
        signIn(petra);
        browser.find(By.id("nav-settings")).click();
        browser.untilUrlContains("/console/settings");
        boolean registration = browser.field("Third-party registration enabled").isSelected();
        assertThat(registration).isEqualTo(settings().get("thirdPartyRegistrationEnabled").asBoolean());
        browser.page("settings");

        // by keyboard: the space bar turns the switch, Enter on the button saves
        browser.field("Third-party registration enabled").sendKeys(Keys.SPACE);
        browser.find(By.id("save-settings")).sendKeys(Keys.ENTER);
        browser.until(d -> d.findElements(By.id("notice")).isEmpty() ? null : true);
        assertThat(settings().get("thirdPartyRegistrationEnabled").asBoolean()).isEqualTo(!registration);
        assertThat(browser.field("Third-party registration enabled").isSelected()).isEqualTo(!registration);
        browser.page("saved");

        // another admin changes the settings meanwhile: saving what this page read is a conflict
        JsonNode now = settings();
        Api.Response meanwhile = api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}""".formatted(
                now.get("thirdPartyRegistrationEnabled").asBoolean(),
                !now.get("registrationWorkflowEnabled").asBoolean())).token(admin).send();
        assertThat(meanwhile.status()).isEqualTo(200);
        // (this page still shows the workflow switch as it was, and would turn it back)
        browser.field("Third-party registration enabled").sendKeys(Keys.SPACE);
        browser.find(By.id("save-settings")).click();
        assertThat(browser.text(By.id("problem"))).contains("stale-version");
        assertThat(settings().get("registrationWorkflowEnabled").asBoolean())
                .isEqualTo(!now.get("registrationWorkflowEnabled").asBoolean());
        // the page shows the settings as they are now
        assertThat(browser.field("Registration request workflow enabled").isSelected())
                .isEqualTo(!now.get("registrationWorkflowEnabled").asBoolean());
        browser.page("conflict");
    }

    @Test
    void R_SET_1_an_org_admin_has_no_settings_entry_and_the_api_refuses_its_change() {
        String north = organization("North " + letters(6));
        Account olga = activeAccount("Olga", "Q" + letters(9), "ORG_ADMIN", north, "ORG_ADMIN");
        signIn(olga);
        assertThat(browser.all(By.id("nav-settings"))).isEmpty();
        browser.open("/console/settings");
        assertThat(browser.find(By.id("settings-fields")).getAttribute("disabled")).isNotNull();
        browser.page("org-admin-read-only");
        // a form sent anyway: the API decides, and refuses
        boolean sso = settings().get("ssoEnabled").asBoolean();
        ((JavascriptExecutor) browser.driver).executeScript("document.getElementById('settings-fields').disabled = false");
        browser.field("SSO enabled").sendKeys(Keys.SPACE);
        browser.find(By.id("save-settings")).click();
        assertThat(browser.text(By.id("problem"))).contains("R-SET-1");
        assertThat(settings().get("ssoEnabled").asBoolean()).isEqualTo(sso);
        browser.page("org-admin-refused");
    }

    private JsonNode settings() {
        return await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/settings").token(admin).send().json(),
                json -> json != null);
    }
}
