package io.portalusers.standalone;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Org Admin's narrower view of the console: only the users of its organizations, only what
 * belongs to them, and a refused action shown with its rule.
 */
class ConsoleOrgAdminTest extends ConsoleTest {

    @Test
    void R_SEARCH_4_R_SEARCH_5_R_EDIT_6_an_org_admin_sees_and_acts_only_within_its_organization() {
        String family = "Q" + letters(9);
        String northName = "North " + letters(6);
        String southName = "South " + letters(6);
        String north = organization(northName);
        String south = organization(southName);
        Account olga = activeAccount("Olga", family, "ORG_ADMIN", north, "ORG_ADMIN");
        Account nina = pendingAccount("Nina", family, "DEVELOPER", false, north, "DEVELOPER");
        Account sam = pendingAccount("Sam", family, "DEVELOPER", false, south, "DEVELOPER");
        Account bo = pendingAccount("Bo", family, "DEVELOPER", false, north, "DEVELOPER", south, "DEVELOPER");
        signIn(olga);

        // no Global Publishers tab: an Org Admin's users are Org Users
        assertThat(browser.all(By.id("tab-publishers"))).isEmpty();
        browser.find(By.id("tab-developers")).click();
        browser.untilUrlContains("tab=developers");
        search(family, "");
        WebElement boRow = browser.find(By.id("user-" + bo.id()));
        browser.find(By.id("user-" + nina.id()));
        assertThat(browser.all(By.id("user-" + sam.id()))).as("a Developer of another organization").isEmpty();
        // Bo's membership in South is not Olga's to see (R-SEARCH-5)
        assertThat(boRow.getText()).doesNotContain(southName).doesNotContain(south);
        browser.page("org-admin-developers");

        // Resend Activation Email for Bo, who is also in South: only a Portal Admin may (R-EDIT-6), and the row says so
        act(bo, "Resend Activation Email");
        browser.until(d -> d.findElement(By.id("user-" + bo.id())).getText().contains("R-EDIT-6") ? true : null);
        browser.page("refused-resend");
        // Nina is hers alone: Disable works
        act(nina, "Disable");
        browser.until(d -> "disabled".equals(d.findElement(By.id("user-" + nina.id())).getAttribute("data-state")) ? true : null);
    }

    private void act(Account account, String action) {
        WebElement row = browser.find(By.id("user-" + account.id()));
        row.findElement(By.cssSelector("details.actions summary")).click();
        row.findElement(By.xpath(".//button[normalize-space(.)='" + action + "']")).sendKeys(Keys.ENTER);
    }
}
