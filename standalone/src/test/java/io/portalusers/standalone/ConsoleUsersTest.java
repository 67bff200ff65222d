package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's Users page in the browser: the tabs, the Name and Email fields that find users as
 * one types, each user's state, the Actions menu, and pages. Each test is one seed procedure,
 * step by step.
 */
class ConsoleUsersTest extends ConsoleTest {

    @Test
    void R_SEARCH_1_R_SEARCH_2_typing_rob_then_ber_finds_users_from_the_third_character_whatever_the_case() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        Account robert = pendingAccount("Robert", family, "API_OWNER", false);
        String org = organization("Rob Org " + letters(6));
        Account roberta = pendingAccount("Roberta", family, "DEVELOPER", false, org, "DEVELOPER");
        signIn(petra);

        // From the menu bar, Users: the Global Publishers tab; type "Ro" in Name: the API's rule, no list of everyone
        browser.find(By.id("tab-publishers"));
        WebElement name = browser.field("Name");
        name.sendKeys("Ro");
        browser.until(d -> d.findElements(By.id("search-refusal")).isEmpty() ? null : true);
        assertThat(browser.text(By.id("search-refusal"))).contains("R-SEARCH-2");
        browser.page("two-letters");
        // a third letter, in another case: Robert (a Global Publisher) is listed as one types
        name.sendKeys("B");
        rowOf(robert);
        assertThat(browser.all(By.id("user-" + roberta.id()))).as("a Developer is not a Global Publisher").isEmpty();
        browser.page("rob");

        // "ber" in Email finds the same people by address... and only the Developers tab lists Roberta
        name.clear();
        name.sendKeys(family.toLowerCase());
        rowOf(robert);
        // the tabs come again with each keystroke's results (their counts): the last of them first
        browser.settled();
        browser.find(By.id("tab-developers")).click();
        browser.untilUrlContains("tab=developers");
        search("ber", roberta.username());
        WebElement row = rowOf(roberta);
        assertThat(row.getText()).contains("Pending activation").contains("Developer");
        assertThat(row.getText()).contains("Rob Org");
        browser.page("ber-developers");

        // wildcards are plain characters: "%%%" matches nobody here
        browser.field("Email").clear();
        WebElement nameField = browser.field("Name");
        nameField.clear();
        nameField.sendKeys("%%%");
        browser.until(d -> d.findElement(By.id("total")).getText().equals("0 users") ? true : null);
    }

    @Test
    void R_STATE_1_R_ADD_7_disable_enable_and_resend_activation_email_from_the_actions_menu() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        Account otto = pendingAccount("Otto", family, "API_OWNER", false);
        signIn(petra);
        search(family, "");
        WebElement row = rowOf(otto);
        assertThat(row.getText()).contains("Pending activation");
        // nobody acts on their own account (R-EDIT-1): Petra's row offers no actions
        assertThat(rowOf(petra).findElements(By.cssSelector("details.actions"))).isEmpty();

        // On the Actions menu column, select Disable
        act(otto, "Disable");
        browser.until(d -> "disabled".equals(rowOf(otto).getAttribute("data-state")) ? true : null);
        assertThat(rowOf(otto).getText()).contains("Disabled");
        browser.page("disabled");
        // Enable
        act(otto, "Enable");
        browser.until(d -> "pending".equals(rowOf(otto).getAttribute("data-state")) ? true : null);
        // Resend Activation Email: the invitation goes out (Otto was added without Notify User)
        act(otto, "Resend Activation Email");
        browser.until(d -> rowOf(otto).getText().contains("Activation email sent again") ? true : null);
        browser.page("resent");
        assertThat(setupLink(MAIL.await(otto.email(), 1).get(0))).contains("/console/account-setup/").endsWith("?lang=en");
    }

    @Test
    void R_SEARCH_4_the_users_come_in_pages() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        for (int i = 0; i < UsersPage.SIZE; i++) {
            pendingAccount("Paula", family, "API_OWNER", false);
        }
        signIn(petra);
        search(family, "");
        browser.until(d -> d.findElement(By.id("total")).getText().equals((UsersPage.SIZE + 1) + " users") ? true : null);
        assertThat(browser.all(By.cssSelector("#users tbody tr"))).hasSize(UsersPage.SIZE);
        browser.find(By.id("next-page")).click();
        browser.untilUrlContains("page=1");
        assertThat(browser.all(By.cssSelector("#users tbody tr"))).hasSize(1);
        assertThat(browser.text(By.cssSelector(".pages"))).contains("Page 2 of 2");
        browser.page("second-page");
    }

    @Test
    void R_SEARCH_4_the_users_filter_by_state_and_organization_and_sort_newest_first() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        String northName = "North " + letters(6);
        String north = organization(northName);
        Account first = pendingAccount("Fay", family, "DEVELOPER", false, north, "DEVELOPER");
        Account second = pendingAccount("Abe", family, "DEVELOPER", false, north, "DEVELOPER");
        Account elsewhere = pendingAccount("Eve", family, "DEVELOPER", false, organization("South " + letters(6)), "DEVELOPER");
        api.post("/api/users/" + first.id() + "/disable", "").token(admin).send();
        signIn(petra);
        browser.find(By.id("tab-developers")).click();
        browser.untilUrlContains("tab=developers");
        search(family, "");
        rowOf(elsewhere);

        new org.openqa.selenium.support.ui.Select(browser.field("Organization")).selectByVisibleText(northName);
        browser.until(d -> d.findElements(By.id("user-" + elsewhere.id())).isEmpty() ? true : null);
        new org.openqa.selenium.support.ui.Select(browser.field("State")).selectByValue("pending");
        browser.until(d -> d.findElements(By.id("user-" + first.id())).isEmpty() ? true : null);
        rowOf(second);
        new org.openqa.selenium.support.ui.Select(browser.field("State")).selectByValue("");
        new org.openqa.selenium.support.ui.Select(browser.field("Sort by")).selectByValue("-created");
        browser.until(d -> "-created".equals(d.findElement(By.id("results-for")).getAttribute("data-sort"))
                && d.findElements(By.cssSelector("#users tbody tr")).size() == 2 ? true : null);
        assertThat(browser.all(By.cssSelector("#users tbody tr")).get(0).getAttribute("id")).isEqualTo("user-" + second.id());
        browser.page("filtered");
    }

    /**
     * With more organizations than a list holds (the API's page of a hundred), the one an admin
     * wants is found by typing part of its name into the Find box beside each organization field:
     * the Users filter, Add User's pairs, a Developer's organizations; memberships show its name.
     */
    @Test
    void R_SEARCH_4_R_ADD_4_an_organization_past_the_first_hundred_is_found_by_typing_part_of_its_name() throws Exception {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        // a hundred and one organizations, then the one looked for; the other tests' organizations
        // (fewer than a hundred, whose names come before these) stay within the first hundred
        String first = "Zzzy" + letters(6);
        for (int i = 0; i < 101; i++) {
            organization(first + " %03d".formatted(i));
        }
        String farName = "Zzzz " + family + " Labs";
        String far = organization(farName);
        Account dora = pendingAccount("Dora", family, "DEVELOPER", false, far, "DEVELOPER");
        Account eve = pendingAccount("Eve", family, "DEVELOPER", false, organization("Else " + letters(6)), "DEVELOPER");
        await().until(() -> api.get("/api/organizations?name=" + first).token(admin).send().json().path("total").asLong() == 101
                && api.get("/api/organizations/" + far).token(admin).send().status() == 200);
        // the Find box's list is the signed-in admin's: nobody else gets it
        java.net.http.HttpResponse<String> anonymous = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(BASE + "/console/organization-options?select=organization&find="
                        + family)).header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("a browser is sent to sign in").isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).contains("/console/oauth2/"));
        assertThat(anonymous.body()).doesNotContain(farName);

        signIn(petra);
        browser.find(By.id("tab-developers")).click();
        browser.untilUrlContains("tab=developers");
        search(family, "");
        assertThat(rowOf(dora).getText()).as("a membership by its organization's name").contains(farName);
        rowOf(eve);

        Select filter = new Select(browser.field("Organization"));
        assertThat(filter.getOptions()).as("not among the first hundred by name").noneMatch(o -> o.getText().equals(farName));
        assertThat(browser.text(By.id("organization-more"))).contains("first 100 of");
        browser.fill("Find an organization", family.toLowerCase(java.util.Locale.ROOT) + " lab");
        browser.until(d -> new Select(d.findElement(By.id("organization"))).getOptions().size() == 2 ? true : null);
        new Select(browser.field("Organization")).selectByVisibleText(farName);
        browser.until(d -> d.findElements(By.id("user-" + eve.id())).isEmpty() ? true : null);
        rowOf(dora);
        assertThat(browser.driver.findElement(By.id("organization-more")).getAttribute("textContent"))
                .as("the list now holds every match").isEmpty();
        browser.page("organization-found");

        // Add User: a Developer of the far organization, found the same way
        browser.find(By.linkText("Add User")).click();
        browser.find(By.id("type-org-users")).click();
        new Select(browser.field("Kind of account")).selectByValue("DEVELOPER");
        String username = "finn-" + letters(8);
        browser.fill("Username", username);
        browser.fill("Email", username + "@example.com");
        browser.fill("First name", "Finn");
        browser.fill("Last name", family);
        browser.find(By.id("notifyUser")).click();
        browser.fill("Find organization 1", "zzz " + family.substring(0, 5));
        browser.until(d -> new Select(d.findElement(By.id("organization0"))).getOptions().size() == 2 ? true : null);
        new Select(browser.field("Organization 1")).selectByValue(far);
        browser.page("add-user-organization-found");
        browser.find(By.id("create")).click();
        browser.untilUrlContains("tab=developers");
        JsonNode finn = await().until(() -> {
            Api.Response found = api.get("/api/users?email=" + username).token(admin).send();
            return found.json().path("items").size() == 1 ? found.json().path("items").get(0) : null;
        }, java.util.Objects::nonNull);
        assertThat(finn.at("/memberships/0/organizationId").asText()).isEqualTo(far);

        // the Developer's details: its organization chosen in its field, by name
        browser.open("/console/users/" + dora.id());
        assertThat(new Select(browser.field("Organization 1")).getFirstSelectedOption().getText()).isEqualTo(farName);
    }

    @Test
    void R_SEARCH_4_each_tab_shows_how_many_users_match_and_its_link_lists_them() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        pendingAccount("Otto", family, "API_OWNER", false);
        pendingAccount("Olive", family, "API_OWNER", false);
        Account dev = pendingAccount("Dora", family, "DEVELOPER", false, organization("Tally " + letters(6)), "DEVELOPER");
        signIn(petra);
        search(family, "");
        // Petra and the two API Owners; Dora is an Org User and a Developer
        browser.until(d -> "3".equals(d.findElement(By.id("count-publishers")).getAttribute("data-total")) ? true : null);
        // read each again should the tabs be swapped in anew meanwhile (their counts come with every answer)
        assertThat(browser.<String>until(d -> d.findElement(By.id("count-org-users")).getAttribute("data-total"))).isEqualTo("1");
        assertThat(browser.<String>until(d -> d.findElement(By.id("count-developers")).getAttribute("data-total"))).isEqualTo("1");
        assertThat(browser.<String>until(d -> d.findElement(By.id("tab-publishers")).getAttribute("textContent"))).contains("3 users");
        browser.page("tab-totals");

        // the state narrows every tab's count: Petra is active, the others wait for their activation
        new org.openqa.selenium.support.ui.Select(browser.field("State")).selectByValue("pending");
        browser.until(d -> "2".equals(d.findElement(By.id("count-publishers")).getAttribute("data-total")) ? true : null);
        assertThat(browser.text(By.id("total"))).isEqualTo("2 users");
        // a tab's link lists what its count says
        browser.settled();
        browser.find(By.id("tab-developers")).click();
        browser.untilUrlContains("tab=developers");
        assertThat(browser.text(By.id("total"))).isEqualTo("1 user");
        rowOf(dev);
        assertThat(browser.find(By.id("count-developers")).getAttribute("data-total")).isEqualTo("1");
        browser.page("developers-pending");

        // a term the API refuses counts nothing
        browser.fill("Name", "Qx");
        browser.until(d -> d.findElements(By.id("search-refusal")).isEmpty() ? null : true);
        browser.until(d -> d.findElements(By.id("count-publishers")).isEmpty() ? true : null);
        assertThat(browser.all(By.cssSelector("#tabs a"))).hasSize(3);
    }

    /** The page size of the console's Users page. */
    static final class UsersPage {
        static final int SIZE = 20;
    }

    private WebElement rowOf(Account account) {
        return browser.find(By.id("user-" + account.id()));
    }

    private void act(Account account, String action) {
        WebElement row = rowOf(account);
        row.findElement(By.cssSelector("details.actions summary")).click();
        WebElement button = row.findElement(By.xpath(".//button[normalize-space(.)='" + action + "']"));
        // by keyboard, as an admin without a mouse would
        button.sendKeys(Keys.ENTER);
    }
}
