package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's Add User procedures in the browser, and what the invited user does next: the
 * emailed link opens the console's account setup page in the user's language, which completes
 * the setup through the API, and the user signs in.
 */
class ConsoleAddUserTest extends ConsoleTest {

    @Test
    void R_ADD_1_R_ADD_7_R_ACT_1_an_api_owner_added_with_notify_user_sets_up_the_account_from_the_email_and_signs_in() {
        Account petra = activeAccount("Petra", "Q" + letters(9), "PORTAL_ADMIN");
        signIn(petra);

        // Select Add User; in the User Type section, select Global Publishers, then the role API Owner
        browser.find(By.linkText("Add User")).click();
        browser.untilUrlContains("/console/users/new");
        browser.find(By.id("type-publishers")).click();
        browser.find(By.id("role-api-owner")).click();
        String username = "anton-" + letters(8);
        String email = username + "@example.com";
        browser.fill("Username", username);
        browser.fill("Email", email);
        browser.fill("First name", "Anton");
        browser.fill("Last name", "Eigner");
        new Select(browser.field("Language")).selectByValue("de");
        // Notify User is checked by default
        assertThat(browser.find(By.id("notifyUser")).isSelected()).isTrue();
        browser.page("add-api-owner");
        browser.find(By.id("create")).click();
        browser.untilUrlContains("tab=publishers");
        assertThat(browser.text(By.cssSelector(".notice"))).contains(username).contains("activation email");
        browser.page("added");

        // the invitation, in German, opens the console's account setup page in German
        MimeMessage invitation = MAIL.await(email, 1).get(0);
        String link = setupLink(invitation);
        assertThat(link).startsWith(BASE + "/console/account-setup/").endsWith("?lang=de");
        browser.forgetCookies();
        browser.open(link);
        assertThat(browser.driver.getTitle()).isEqualTo("Konto einrichten");
        assertThat(browser.field("Benutzername").getAttribute("value")).isEqualTo(username);
        browser.page("account-setup-de");
        // a password the API refuses: its words next to the field, and the link still works
        browser.fill("Passwort", "short");
        browser.fill("Passwort wiederholen", "short");
        browser.find(By.id("activate")).click();
        assertThat(browser.text(By.id("password-error"))).isNotBlank();
        assertThat(browser.field("Passwort").getAttribute("aria-invalid")).isEqualTo("true");
        browser.page("password-refused");
        String password = "Antons lange Passphrase " + letters(6);
        browser.fill("Passwort", password);
        browser.fill("Passwort wiederholen", password);
        browser.find(By.id("activate")).click();
        assertThat(browser.text(By.id("activated"))).isEqualTo("Ihr Konto ist aktiv. Sie können sich jetzt anmelden.");
        browser.page("activated");

        // and he signs in with it; an API Owner lists nobody (R-SEARCH-4), which the page says in the API's words
        browser.find(By.id("sign-in")).click();
        signIn(new Account(null, username, email, password, "Anton", "Eigner"));
        assertThat(browser.text(By.id("search-refusal"))).contains("R-SEARCH-4");
        browser.page("api-owner-signed-in");

        // the link was used: opening it again says so
        browser.open(link);
        assertThat(browser.text(By.id("invalid"))).contains("nicht (mehr) gültig");
    }

    @Test
    void R_ADD_4_R_ADD_6_an_org_user_needs_an_organization_and_a_developer_belongs_to_several() {
        Account petra = activeAccount("Petra", "Q" + letters(9), "PORTAL_ADMIN");
        String north = organization("North " + letters(6));
        String south = organization("South " + letters(6));
        signIn(petra);
        browser.find(By.linkText("Add User")).click();

        // In the User Type section, select Org Users; Create without an organization: the rule's words
        browser.find(By.id("type-org-users")).click();
        new Select(browser.field("Kind of account")).selectByValue("DEVELOPER");
        String username = "dora-" + letters(8);
        browser.fill("Username", username);
        browser.fill("Email", username + "@example.com");
        browser.fill("First name", "Dora");
        browser.fill("Last name", "Doppel");
        browser.find(By.id("notifyUser")).click();
        browser.find(By.id("create")).click();
        assertThat(browser.text(By.id("problem"))).contains("R-ADD-4");
        assertThat(browser.text(By.id("memberships-error"))).contains("at least one organization");
        browser.page("no-organization");

        // one or more organization and role pairs: a Developer of North, and an Org Admin of South
        new Select(browser.field("Organization 1")).selectByValue(north);
        new Select(browser.field("Organization 2")).selectByValue(south);
        new Select(browser.field("Role in organization 2")).selectByValue("ORG_ADMIN");
        assertThat(browser.find(By.id("notifyUser")).isSelected()).as("what was chosen stays chosen").isFalse();
        assertThat(browser.field("Username").getAttribute("value")).isEqualTo(username);
        browser.page("two-organizations");
        browser.find(By.id("create")).click();
        browser.untilUrlContains("tab=developers");
        assertThat(browser.text(By.cssSelector(".notice"))).contains(username).doesNotContain("activation email");

        JsonNode dora = await().until(() -> {
            Api.Response found = api.get("/api/users?name=doppel&email=" + username).token(admin).send();
            return found.json().path("items").size() == 1 ? found.json().path("items").get(0) : null;
        }, java.util.Objects::nonNull);
        // each organization with its own role (the API lists memberships in its order, not the form's)
        java.util.Map<String, String> roles = new java.util.HashMap<>();
        dora.path("memberships").forEach(m -> roles.put(m.path("organizationId").asText(), m.path("role").asText()));
        assertThat(roles).containsOnly(org.assertj.core.api.Assertions.entry(north, "DEVELOPER"),
                org.assertj.core.api.Assertions.entry(south, "ORG_ADMIN"));

        // the same email again: taken (R-ADD-6), said next to the Email field
        browser.find(By.linkText("Add User")).click();
        browser.find(By.id("type-publishers")).click();
        browser.fill("Username", "other-" + letters(8));
        browser.fill("Email", username.toUpperCase() + "@EXAMPLE.COM");
        browser.fill("First name", "Dora");
        browser.fill("Last name", "Again");
        browser.find(By.id("create")).click();
        assertThat(browser.text(By.id("problem"))).contains("R-ADD-6");
        assertThat(List.of(browser.all(By.cssSelector(".field-error")).stream().map(e -> e.getAttribute("id")).toArray()))
                .contains("email-error");
        browser.page("email-taken");
    }
}
