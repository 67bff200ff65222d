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
 * back those it found. And the Authentication schemes page, which only Portal Admins use (R-AUTH-1).
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

    @Test
    void R_AUTH_1_a_portal_admin_adds_and_changes_an_authentication_scheme_and_an_org_admin_reads_none() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        signIn(petra);
        browser.find(By.id("nav-schemes")).click();
        browser.untilUrlContains("/console/authentication-schemes");
        String name = "Corporate SAML " + letters(6);
        browser.fill("Name", name);
        browser.fill("Organization attribute", "org");
        browser.fill("Role attribute", "group");
        // a role the portal does not have: the API refuses, and the form keeps what was typed
        browser.fill("Role values", "devs = Wizard");
        browser.find(By.id("add-scheme")).click();
        browser.find(By.id("problem"));
        assertThat(browser.field("Name").getAttribute("value")).isEqualTo(name);
        browser.page("scheme-refused");
        browser.fill("Role values", "devs = Developer\nadmins = Org Admin");
        browser.find(By.id("add-scheme")).click();
        browser.until(d -> d.findElements(By.id("notice")).isEmpty() ? null : true);
        org.openqa.selenium.WebElement row = browser.find(By.xpath("//table[@id='schemes']//tr[td/a[normalize-space(.)='" + name + "']]"));
        assertThat(row.getText()).contains("IDP").contains("devs = Developer").contains("admins = Org Admin");
        String id = row.getAttribute("id").substring("scheme-".length());
        browser.page("scheme-added");

        // its page: PORTAL chosen by keyboard, saved with the version read
        row.findElement(By.tagName("a")).sendKeys(Keys.ENTER);
        browser.untilUrlContains("/console/authentication-schemes/" + id);
        browser.find(By.id("type-portal")).sendKeys(Keys.SPACE);
        browser.find(By.id("save-scheme")).click();
        assertThat(browser.text(By.id("notice"))).isEqualTo("Saved.");
        JsonNode scheme = api.get("/api/authentication-schemes/" + id).token(admin).send().json();
        assertThat(scheme.get("authorizationType").asText()).isEqualTo("PORTAL");
        assertThat(scheme.get("roleValues").get("admins").asText()).isEqualTo("ORG_ADMIN");
        assertThat(browser.find(By.id("type-portal")).isSelected()).isTrue();
        // changed meanwhile by another admin: saving what this page read is a conflict
        assertThat(api.put("/api/authentication-schemes/" + id, """
                {"name": "%s", "authorizationType": "IDP",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"devs": "DEVELOPER"}}}"""
                .formatted(name)).token(admin).send().status()).isEqualTo(200);
        browser.fill("Role attribute", "team");
        browser.find(By.id("save-scheme")).click();
        assertThat(browser.text(By.id("problem"))).contains("stale-version");
        browser.page("scheme-conflict");

        // an Org Admin: no menu entry, and the API lists no scheme to it
        browser.forgetCookies();
        String north = organization("North " + letters(6));
        Account olga = activeAccount("Olga", family, "ORG_ADMIN", north, "ORG_ADMIN");
        signIn(olga);
        assertThat(browser.all(By.id("nav-schemes"))).isEmpty();
        browser.open("/console/authentication-schemes");
        assertThat(browser.text(By.id("list-refusal"))).contains("R-AUTH-1");
        assertThat(browser.all(By.id("add-scheme"))).isEmpty();
        browser.page("schemes-org-admin");
    }

    private JsonNode settings() {
        return await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/api/settings").token(admin).send().json(),
                json -> json != null);
    }
}
