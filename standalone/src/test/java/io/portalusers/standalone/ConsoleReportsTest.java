package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Reports page: each report a chart (SVG drawn on the server) with its figures in a table
 * too, for the organizations the API lets the admin read (R-SEARCH-4): a Portal Admin's any,
 * narrowed to one when chosen, with the registration figures; an Org Admin's own only, without
 * the registration figures, which only Portal Admins read.
 */
class ConsoleReportsTest extends ConsoleTest {

    @Test
    void R_SEARCH_4_reports_are_charts_with_their_tables_for_the_organizations_the_admin_reads() {
        String family = "Q" + letters(9);
        String northName = "North " + letters(6);
        String north = organization(northName);
        String south = organization("South " + letters(6));
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        Account olga = activeAccount("Olga", family, "ORG_ADMIN", north, "ORG_ADMIN");
        activeAccount("Dora", family, "DEVELOPER", north, "DEVELOPER");
        pendingAccount("Paul", family, "DEVELOPER", false, north, "DEVELOPER");
        Account pia = pendingAccount("Pia", family, "DEVELOPER", true, north, "DEVELOPER");
        pendingAccount("Sam", family, "DEVELOPER", false, south, "DEVELOPER");
        MAIL.await(pia.email(), 1);
        approvedRegistration();

        signIn(petra);
        browser.find(By.id("nav-reports")).click();
        browser.untilUrlContains("/console/reports");
        // every report a chart and a table; the registrations' too for a Portal Admin (a chart once there are any)
        browser.find(By.id("registrations-heading"));
        for (String chart : List.of("chart-users-by-state", "chart-pending-by-age", "chart-invitations",
                "chart-registrations", "chart-approval-times")) {
            browser.find(By.cssSelector("#" + chart + " svg[role=img]"));
            assertThat(browser.all(By.cssSelector("#" + chart + " svg[role=img] > title")))
                    .singleElement().extracting(title -> title.getAttribute("textContent")).asString().isNotBlank();
        }
        // this week: at least the request approved above
        assertThat(Long.parseLong(rows("table-registrations").get(0).get(2))).isPositive();
        assertThat(rows("table-approval-times")).extracting(row -> row.get(0))
                .containsExactly("Median (p50)", "p90", "p99", "Longest");
        browser.page("all");

        new Select(browser.field("Organization")).selectByVisibleText(northName);
        browser.find(By.id("show-reports")).click();
        browser.untilUrlContains("organization=" + north);
        // North: Olga and Dora active, Paul and Pia pending; Sam is South's
        assertThat(rows("table-users-by-state")).contains(
                List.of("Pending activation", "Org Users", "Developer", "2"),
                List.of("Active", "Org Users", "Developer", "1"),
                List.of("Active", "Org Users", "Org Admin", "1"));
        assertThat(bars("chart-users-by-state")).containsExactly(
                "Pending activation, Users: 2", "Active, Users: 2", "Disabled, Users: 0");
        assertThat(rows("table-pending-by-age")).contains(List.of("< 1 day", "2"));
        assertThat(browser.text(By.id("table-oldest-pending"))).contains("Paul").contains("Pia").doesNotContain("Sam");
        // Olga, Dora and Pia were invited by email (Paul was not): three sent this week, none failed
        browser.until(d -> {
            List<List<String>> weeks = rows("table-invitations");
            if (!weeks.isEmpty() && weeks.get(0).get(2).equals("3")) {
                return true;
            }
            d.navigate().refresh();
            return null;
        });
        assertThat(rows("table-invitations").get(0).get(3)).isEqualTo("0");
        assertThat(bars("chart-invitations")).anyMatch(title -> title.endsWith("Sent: 3"));
        browser.page("north");
        shown("invitations");
        browser.page("north-invitations");
        shown("registrations");
        browser.page("north-registrations");

        // Olga reads her organization's figures only, and no registration figures
        browser.forgetCookies();
        signIn(olga);
        browser.find(By.id("nav-reports")).click();
        browser.untilUrlContains("/console/reports");
        assertThat(rows("table-pending-by-age")).contains(List.of("< 1 day", "2"));
        assertThat(browser.text(By.id("table-oldest-pending"))).doesNotContain("Sam");
        assertThat(new Select(browser.field("Organization")).getOptions()).extracting(WebElement::getText)
                .containsExactly("All my organizations", northName);
        assertThat(browser.all(By.id("registrations"))).isEmpty();
        browser.page("org-admin");
    }

    /** A registration request submitted and approved through the API, the settings put back as they were. */
    private void approvedRegistration() {
        JsonNode found = api.get("/api/settings").token(admin).send().json();
        String before = """
                {"ssoEnabled": %s, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}""".formatted(
                found.get("ssoEnabled").asBoolean(), found.get("thirdPartyRegistrationEnabled").asBoolean(),
                found.get("registrationWorkflowEnabled").asBoolean());
        assertThat(api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": true, "registrationWorkflowEnabled": true}""")
                .token(admin).send().status()).isEqualTo(200);
        try {
            String username = "reg-" + letters(8);
            Api.Response submitted = api.post("/api/registrations", """
                    {"username": "%s", "email": "%s@example.com", "firstName": "Reg", "lastName": "Istrant",
                     "organizationName": "Reg Org %s", "termsAccepted": true}""".formatted(username, username, letters(6)))
                    .send();
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            String id = await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (JsonNode r : api.get("/api/registrations?size=100").token(admin).send().json().path("items")) {
                    if (r.path("username").asText().equals(username)) {
                        return r.path("id").asText();
                    }
                }
                return null;
            }, java.util.Objects::nonNull);
            Api.Response approved = api.post("/api/registrations/" + id + "/approve", "").token(admin).send();
            assertThat(approved.status()).as(approved.body()).isLessThan(300);
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/reports/registrations").token(admin).send()
                    .json().path("approvalTimes").path("approved").asLong() > 0);
        } finally {
            assertThat(api.put("/api/settings", before).token(admin).send().status()).isEqualTo(200);
        }
    }

    /** Scrolls the report {@code id} into view, for its screenshot. */
    private void shown(String id) {
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript(
                "document.getElementById(arguments[0]).scrollIntoView()", id);
    }

    private List<List<String>> rows(String table) {
        return browser.all(By.cssSelector("#" + table + " tbody tr")).stream()
                .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                .toList();
    }

    private List<String> bars(String chart) {
        return browser.all(By.cssSelector("#" + chart + " rect.bar title")).stream()
                .map(title -> title.getAttribute("textContent")).toList();
    }
}
