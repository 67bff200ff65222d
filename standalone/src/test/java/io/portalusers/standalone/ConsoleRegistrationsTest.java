package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The registration requests a Portal Admin decides on, in the browser: approve one, reject another with a reason. */
class ConsoleRegistrationsTest extends ConsoleTest {

    @Test
    void R_REG_2_a_portal_admin_approves_one_request_and_rejects_another_with_a_reason() {
        Api.Response settings = api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": true, "registrationWorkflowEnabled": true}""")
                .token(admin).send();
        assertThat(settings.status()).as(settings.body()).isEqualTo(200);
        String road = "road-" + letters(8);
        String wile = "wile-" + letters(8);
        register(road, "Acme Roads " + letters(5));
        register(wile, "Coyote Supplies " + letters(5));
        Account petra = activeAccount("Petra", "Q" + letters(9), "PORTAL_ADMIN");
        signIn(petra);

        browser.find(By.linkText("Registration requests")).click();
        WebElement roadRow = waitingRequest(road);
        browser.page("registration-requests");
        roadRow.findElement(By.cssSelector("button.approve")).click();
        assertThat(browser.textStartingWith(By.id("notice"), "Approved")).contains("account setup email");
        assertThat(browser.all(By.xpath("//tr[td[normalize-space(.)='" + road + "']]"))).isEmpty();

        WebElement wileRow = waitingRequest(wile);
        wileRow.findElement(By.cssSelector("input[name=reason]")).sendKeys("we do not know this company");
        wileRow.findElement(By.cssSelector("button.reject-button")).click();
        // the approval's notice stays until the rejection's answer replaces it
        assertThat(browser.textStartingWith(By.id("notice"), "Rejected")).contains("told why");
        browser.page("rejected");

        assertThat(status(road).path("status").asText()).isIn("ACCEPTED", "COMPLETED");
        JsonNode rejected = status(wile);
        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("reason").asText()).isEqualTo("we do not know this company");
    }

    private void register(String username, String organization) {
        Api.Response submitted = api.post("/api/registrations", """
                {"username": "%s", "email": "%s@example.com", "firstName": "Reg", "lastName": "Istrant",
                 "organizationName": "%s", "termsAccepted": true}""".formatted(username, username, organization)).send();
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    }

    /** The request's row, once the query side lists it (the page is read again until then). */
    private WebElement waitingRequest(String username) {
        By row = By.xpath("//tr[td[normalize-space(.)='" + username + "']]");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (browser.all(row).isEmpty()) {
                browser.open("/console/registrations");
                return false;
            }
            return true;
        });
        return browser.find(row);
    }

    private JsonNode status(String username) {
        return await().until(() -> {
            for (JsonNode r : api.get("/api/registrations?size=100").token(admin).send().json().path("items")) {
                if (r.path("username").asText().equals(username) && !r.path("status").asText().equals("PENDING")) {
                    return r;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }
}
