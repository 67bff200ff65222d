package io.portalusers.standalone;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's User Details / Edit page in the browser: an edit with its reason, and the history that shows it. */
class ConsoleEditUserTest extends ConsoleTest {

    @Test
    void R_EDIT_2_R_AUD_1_a_portal_admin_edits_a_user_and_the_history_shows_who_changed_what_and_why() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        Account otto = pendingAccount("Otto", family, "API_OWNER", false);
        signIn(petra);
        search(family, "");

        // On the Actions menu column, select Edit
        WebElement row = browser.find(By.id("user-" + otto.id()));
        row.findElement(By.cssSelector("details.actions summary")).click();
        row.findElement(By.linkText("Edit")).sendKeys(Keys.ENTER);
        browser.untilUrlContains("/console/users/" + otto.id());
        browser.page("details");
        browser.fill("First name", "Ottmar");
        new Select(browser.field("Language")).selectByValue("fr");
        new Select(browser.field("Role")).selectByValue("PORTAL_ADMIN");
        browser.fill("Reason (kept in the history)", "asked by his manager");
        browser.find(By.id("save")).click();
        assertThat(browser.text(By.id("notice"))).isEqualTo("Saved.");
        assertThat(browser.text(By.tagName("h1"))).isEqualTo("Ottmar " + family);
        String history = browser.text(By.id("history"));
        assertThat(history).contains("Name changed").contains("Otto → Ottmar").contains("asked by his manager")
                .contains("Petra " + family).contains("Role changed");
        browser.page("edited-with-history");

        // nobody edits their own account (R-EDIT-1): Petra's own page is read-only
        browser.open("/console/users/" + petra.id());
        assertThat(browser.find(By.id("save")).isEnabled()).isFalse();
    }

    @Test
    void R_EDIT_2_R_ADD_4_a_developer_is_mapped_to_several_organizations_and_keeps_at_least_one() {
        String family = "Q" + letters(9);
        String northName = "North " + letters(6);
        String southName = "South " + letters(6);
        String north = organization(northName);
        String south = organization(southName);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        Account dev = pendingAccount("Dev", family, "DEVELOPER", false, north, "DEVELOPER");
        signIn(petra);
        browser.open("/console/users/" + dev.id());

        // a second organization, with its own role
        new Select(browser.field("Organization 2")).selectByValue(south);
        new Select(browser.field("Role in organization 2")).selectByValue("ORG_ADMIN");
        browser.fill("Reason for the change (kept in the history)", "runs the South team too");
        browser.find(By.id("save-memberships")).click();
        assertThat(browser.text(By.id("notice"))).isEqualTo("Saved.");
        assertThat(browser.text(By.id("organizations"))).contains(northName + " (Developer)").contains(southName + " (Org Admin)");
        assertThat(browser.text(By.id("history"))).contains("added to " + southName + " as Org Admin")
                .contains("runs the South team too");
        browser.page("two-organizations");

        // none at all: the rule's words next to the organizations (R-ADD-4), and nothing changes
        new Select(browser.field("Organization 1")).selectByValue("");
        new Select(browser.field("Organization 2")).selectByValue("");
        browser.find(By.id("save-memberships")).click();
        assertThat(browser.text(By.id("problem"))).contains("R-ADD-4");
        assertThat(browser.text(By.id("memberships-error"))).contains("at least one organization");
        assertThat(browser.text(By.id("organizations"))).contains(northName).contains(southName);
    }

    @Test
    void R_EDIT_3_an_external_idp_users_details_page_is_read_only() {
        Account petra = activeAccount("Petra", "Q" + letters(9), "PORTAL_ADMIN");
        String scheme = api.post("/api/authentication-schemes", """
                {"name": "Scheme %s", "authorizationType": "IDP",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"owners": "API_OWNER"}}}"""
                .formatted(letters(12))).token(admin).send().json().get("id").asText();
        String subject = letters(12);
        Api.Response provisioned = api.post("/api/authentication-schemes/" + scheme + "/users", """
                {"subject": "%s", "username": "idp-%s", "email": "%s@idp.example", "firstName": "Ida",
                 "lastName": "Provisioned", "attributes": {"group": "owners"}}""".formatted(subject, subject, subject))
                .token(admin).send();
        assertThat(provisioned.status()).as(provisioned.body()).isIn(200, 201);
        String ida = provisioned.json().get("id").asText();
        signIn(petra);
        org.awaitility.Awaitility.await().until(() -> api.get("/api/users/" + ida).token(admin).send().status() == 200);
        browser.open("/console/users/" + ida);
        assertThat(browser.text(By.tagName("legend"))).isEqualTo("Details (read-only)");
        assertThat(browser.find(By.id("save")).isEnabled()).isFalse();
        assertThat(browser.field("First name").isEnabled()).isFalse();
        browser.page("idp-user-read-only");
    }
    @Test
    void R_AUD_2_the_user_details_show_the_account_at_a_past_instant_beside_the_account_now() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        Account otto = pendingAccount("Otto", family, "API_OWNER", false);
        Api.Response renamed = api.patch("/api/users/" + otto.id(), """
                {"firstName": "Ottmar", "lastName": "%s"}""".formatted(family)).token(admin).header("If-Match", "\"0\"").send();
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        signIn(petra);
        browser.open("/console/users/" + otto.id());
        browser.until(d -> d.findElements(By.cssSelector("#history tbody tr")).size() == 2 ? true : null);

        // the history's first line, the account's creation: "As it was then"
        browser.find(By.cssSelector("#history tbody tr:first-child a.as-it-was")).sendKeys(Keys.ENTER);
        browser.untilUrlContains("at=");
        WebElement firstName = browser.find(By.cssSelector("#as-of-table tr[data-field='First name']"));
        assertThat(firstName.findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("Otto", "Ottmar (changed since)");
        assertThat(firstName.getAttribute("class")).contains("changed");
        WebElement email = browser.find(By.cssSelector("#as-of-table tr[data-field='Email']"));
        assertThat(email.getAttribute("class")).doesNotContain("changed");
        assertThat(browser.find(By.cssSelector("#as-of-table tr[data-field='Version'] td")).getText()).isEqualTo("0");
        browser.page("as-it-was-created");

        // an instant typed in, before the account existed: the API finds no account then
        browser.fill("Instant (UTC)", "2000-01-31 12:00");
        browser.find(By.id("show-as-of")).click();
        assertThat(browser.text(By.id("as-of-problem"))).contains("not-found");
        assertThat(browser.field("Instant (UTC)").getAttribute("aria-invalid")).isEqualTo("true");
        // and now: the account as it is
        browser.fill("Instant (UTC)", java.time.Instant.now().plusSeconds(5).toString());
        browser.find(By.id("show-as-of")).click();
        browser.until(d -> d.findElements(By.cssSelector("#as-of-table tr[data-field='First name'] td")).stream()
                .map(WebElement::getText).toList().equals(java.util.List.of("Ottmar", "Ottmar")) ? true : null);
        browser.page("as-it-is-now");
    }
}
