package io.portalusers.standalone;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in to the console and out of it, in the browser: the console sends the browser to
 * the service's own sign-in (authorization code with PKCE), keeps the admin's tokens on the
 * server, and signing out ends the session at the sign-in too.
 */
class ConsoleSignInTest extends ConsoleTest {

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void R_AUTH_3_a_portal_admin_signs_in_to_the_console_and_out_again() {
        Account petra = activeAccount("Petra", "Portal", "PORTAL_ADMIN");

        browser.open("/console");
        browser.untilUrlContains("/login");
        // the console asked for a code with a PKCE challenge, as its own client
        assertThat(browser.driver.getCurrentUrl()).startsWith(BASE + "/login");
        signIn(petra);
        browser.page("users");
        assertThat(browser.driver.getTitle()).isEqualTo("Users · portal-users console");

        // the console's session is no key to the API: that takes a bearer token
        browser.open("/api/settings");
        assertThat(browser.text(By.tagName("body"))).contains("\"status\":401");
        browser.forgetConsole();

        browser.open("/console/users");
        browser.find(By.id("sign-out")).click();
        browser.untilUrlContains("/login");
        browser.page("signed-out");
        // signed out at the sign-in as well: the console asks for the password again
        browser.open("/console/users");
        browser.untilUrlContains("/login");
        assertThat(browser.all(By.id("signed-in-as"))).isEmpty();
    }

    @Test
    void typing_into_a_page_whose_session_ended_leads_to_the_sign_in_not_into_the_table() {
        Account paul = activeAccount("Paul", "Portal", "PORTAL_ADMIN");
        signIn(paul);
        ((org.openqa.selenium.chrome.ChromeDriver) browser.driver).executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
        browser.field("Name").sendKeys("Pau");
        browser.untilUrlContains("/login");
        assertThat(browser.all(By.id("users"))).isEmpty();
        browser.forgetConsole();
    }

    /** A page of another site that posts to the console with the admin's cookie gets nothing done: no CSRF token. */
    @Test
    void a_forged_post_with_the_admins_session_but_without_its_csrf_token_is_refused_and_changes_nothing() throws Exception {
        Account pete = activeAccount("Pete", "Portal", "PORTAL_ADMIN");
        Account victim = pendingAccount("Vic", "Tim", "API_OWNER", false);
        signIn(pete);
        String session = browser.driver.manage().getCookieNamed("JSESSIONID").getValue();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> forged = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(BASE + "/console/users/" + victim.id() + "/disable"))
                .header("Cookie", "JSESSIONID=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        Api.Response user = api.get("/api/users/" + victim.id()).token(admin).send();
        assertThat(user.json().get("enabled").asBoolean()).isTrue();
        assertThat(eventCount(victim.id())).as("nothing but its creation").isEqualTo(1);

        // the same request with the page's CSRF token is the admin's own, and goes through: the session was good
        String csrf = browser.driver.findElement(org.openqa.selenium.By.cssSelector("form.signout input[name=_csrf]"))
                .getAttribute("value");
        java.net.http.HttpResponse<String> own = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(BASE + "/console/users/" + victim.id() + "/disable"))
                .header("Cookie", "JSESSIONID=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf=" + csrf)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(own.statusCode()).isEqualTo(302);
        assertThat(eventCount(victim.id())).as("disabled now").isEqualTo(2);
    }

    private long eventCount(String aggregate) {
        return jdbc.sql("select count(*) from domainevententry where aggregateidentifier = ?")
                .param(aggregate).query(Long.class).single();
    }

    @Test
    void a_sign_in_with_a_wrong_password_stays_at_the_sign_in_page() {
        Account pia = activeAccount("Pia", "Portal", "PORTAL_ADMIN");
        browser.open("/console");
        browser.untilUrlContains("/login");
        browser.fill("Username or email", pia.username());
        browser.fill("Password", "not the passphrase at all");
        browser.find(By.cssSelector("button[type=submit]")).click();
        browser.untilUrlContains("/login?error");
        assertThat(browser.all(By.cssSelector("[role=alert]"))).isNotEmpty();
        browser.page("wrong-password");
    }
}
