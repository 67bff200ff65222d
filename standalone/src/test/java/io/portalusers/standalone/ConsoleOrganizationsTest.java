package io.portalusers.standalone;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Organizations page: a Portal Admin adds organizations with their account plans and
 * changes a plan; the API's refusals show in its words; an Org Admin sees its own organizations
 * only, and nothing to change.
 */
class ConsoleOrganizationsTest extends ConsoleTest {

    @Test
    void R_ORG_1_a_portal_admin_adds_an_organization_with_its_plan_and_changes_the_plan() {
        String family = "Q" + letters(9);
        Account petra = activeAccount("Petra", family, "PORTAL_ADMIN");
        signIn(petra);
        browser.find(By.id("nav-organizations")).click();
        browser.untilUrlContains("/console/organizations");

        String name = "Acme " + letters(8);
        browser.fill("Name", name);
        browser.fill("Account plan", "Silver");
        browser.find(By.id("add-organization")).click();
        browser.until(d -> d.findElements(By.id("notice")).isEmpty() ? null : true);
        WebElement row = rowNamed(name);
        String id = row.getAttribute("id").substring("organization-".length());
        assertThat(browser.find(By.id("plan-" + id)).getAttribute("value")).isEqualTo("Silver");
        browser.page("added");

        // the same name in another case: the API refuses it (R-ORG-1), and the form keeps what was typed
        browser.fill("Name", name.toUpperCase());
        browser.fill("Account plan", "Gold");
        browser.find(By.id("add-organization")).click();
        assertThat(browser.text(By.id("problem"))).contains("R-ORG-1");
        assertThat(browser.field("Name").getAttribute("value")).isEqualTo(name.toUpperCase());
        browser.page("name-taken");
        // no name at all: the API names the field
        browser.field("Name").clear();
        browser.find(By.id("add-organization")).click();
        browser.find(By.id("name-error"));
        assertThat(browser.field("Name").getAttribute("aria-invalid")).isEqualTo("true");

        // the plan changes by keyboard: type it and press Enter
        WebElement plan = browser.find(By.id("plan-" + id));
        plan.clear();
        plan.sendKeys("Platinum", Keys.ENTER);
        browser.until(d -> d.findElements(By.id("notice")).isEmpty() ? null : true);
        assertThat(browser.text(By.id("notice"))).contains("Platinum");
        assertThat(browser.find(By.id("plan-" + id)).getAttribute("value")).isEqualTo("Platinum");
        Api.Response read = api.get("/api/organizations/" + id).token(admin).send();
        assertThat(read.json().get("accountPlan").asText()).isEqualTo("Platinum");
        browser.page("plan-changed");
    }

    @Test
    void R_ORG_1_an_org_admin_sees_its_organization_only_and_changes_nothing() {
        String family = "Q" + letters(9);
        String northName = "North " + letters(6);
        String southName = "South " + letters(6);
        String north = organization(northName);
        organization(southName);
        Account olga = activeAccount("Olga", family, "ORG_ADMIN", north, "ORG_ADMIN");
        signIn(olga);
        browser.find(By.id("nav-organizations")).click();
        browser.untilUrlContains("/console/organizations");
        WebElement row = browser.find(By.id("organization-" + north));
        assertThat(row.getText()).contains(northName).contains("Gold");
        assertThat(browser.text(By.id("organizations"))).doesNotContain(southName);
        assertThat(browser.text(By.id("total"))).isEqualTo("1 organization");
        // nothing to add or change: only a Portal Admin manages organizations (R-ORG-1)
        assertThat(browser.all(By.id("add-organization"))).isEmpty();
        assertThat(browser.all(By.cssSelector("button.change-plan"))).isEmpty();
        browser.page("org-admin");
    }

    private WebElement rowNamed(String name) {
        return browser.find(By.xpath("//table[@id='organizations']//tr[td/a[normalize-space(.)='" + name + "']]"));
    }
}
