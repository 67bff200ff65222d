package io.portalusers.standalone;

import io.portalusers.api.UserId;
import io.portalusers.platform.embedded.LocalTokens;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin console in a real browser (Chromium, headless) against the whole service on its
 * embedded default: one service for every console test class (one context: the same
 * settings), on a port chosen up front, since the sign-in registers the console's callback and
 * sign-out addresses by port; one browser per class. Skipped, saying why, where Chromium or its
 * driver is not installed.
 */
@org.junit.jupiter.api.extension.ExtendWith(Browser.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
abstract class ConsoleTest {

    static final int PORT = freePort();
    static final String BASE = "http://localhost:" + PORT;
    static final Path DATA_DIR = freshFolder();
    static final Mailbox MAIL = Mailbox.start();
    private static final Pattern SETUP_LINK = Pattern.compile("https?://\\S+/console/account-setup/[A-Za-z0-9_-]+\\?lang=[a-z]+");

    static Browser browser;

    @DynamicPropertySource
    static void embeddedDefaults(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("portal.embedded.data-dir", DATA_DIR::toString);
        registry.add("portal.embedded.durable", () -> "false");
        registry.add("portal.bootstrap-admin.invite", () -> "false");
        ApiTest.mailTo(MAIL, registry);
        // the links in emails are the standalone jar's default: the console's pages, in the recipient's language
        registry.add("portal.rate-limit.anonymous.requests-per-minute", () -> "10000000");
        registry.add("portal.identity.throttle.client-free-failures", () -> "10000000");
    }

    @BeforeAll
    static void chromium(org.junit.jupiter.api.TestInfo info) {
        browser = new Browser(BASE, info.getTestClass().map(Class::getSimpleName).orElse("console"));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Autowired
    LocalTokens tokens;
    @Value("${portal.bootstrap-admin.id}")
    String bootstrapAdminId;

    Api api;
    String admin;

    @BeforeEach
    void connect() {
        api = new Api(PORT);
        admin = tokens.issue(UserId.of(bootstrapAdminId)).token();
        browser.forgetCookies();
    }

    /** An account that can sign in: added through the API, then its emailed link followed through the API. */
    record Account(String id, String username, String email, String password, String firstName, String lastName) {
    }

    Account activeAccount(String firstName, String lastName, String role, String... memberships) {
        Account account = pendingAccount(firstName, lastName, role, true, memberships);
        String token = setupToken(MAIL.await(account.email(), 1).get(0));
        Api.Response activated = api.post("/api/account-setup/" + token, """
                {"password": "%s"}""".formatted(account.password())).send();
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return account;
    }

    Account pendingAccount(String firstName, String lastName, String role, boolean notify, String... memberships) {
        String username = firstName.toLowerCase() + "-" + letters(8);
        String email = username + "@example.com";
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < memberships.length; i += 2) {
            pairs.append(pairs.isEmpty() ? "" : ",").append("""
                    {"organizationId": "%s", "role": "%s"}""".formatted(memberships[i], memberships[i + 1]));
        }
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s", "firstName": "%s", "lastName": "%s", "role": "%s",
                 "memberships": [%s], "notify": %s}""".formatted(username, email, firstName, lastName, role, pairs, notify))
                .token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Account(created.json().get("id").asText(), username, email, "console passphrase " + letters(10),
                firstName, lastName);
    }

    String organization(String name) {
        Api.Response created = api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "Gold"}""".formatted(name)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    /** The account setup link in an invitation: the console's page, in the recipient's language. */
    static String setupLink(MimeMessage message) {
        Matcher link = SETUP_LINK.matcher(Mailbox.part(message, "text/plain"));
        assertThat(link.find()).as("an account setup link of the console in the text").isTrue();
        return link.group();
    }

    static String setupToken(MimeMessage message) {
        String link = setupLink(message);
        return link.substring(link.lastIndexOf('/') + 1, link.indexOf('?'));
    }

    /** Opens the console and signs in at the sign-in page it sends the browser to. */
    void signIn(Account account) {
        browser.open("/console");
        browser.untilUrlContains("/login");
        browser.page("sign-in");
        browser.fill("Username or email", account.username());
        browser.fill("Password", account.password());
        browser.find(By.cssSelector("button[type=submit]")).click();
        browser.untilUrlContains("/console/users");
        assertThat(browser.text(By.id("signed-in-as"))).isEqualTo(account.firstName() + " " + account.lastName());
    }

    /** Types {@code name} and {@code email} into the Users page's fields and waits for their results. */
    void search(String name, String email) {
        browser.fill("Name", name);
        browser.fill("Email", email);
        browser.until(d -> {
            org.openqa.selenium.WebElement shown = d.findElement(By.id("results-for"));
            // an empty term leaves its attribute out
            return name.equals(String.valueOf(shown.getAttribute("data-name")).replace("null", ""))
                    && email.equals(String.valueOf(shown.getAttribute("data-email")).replace("null", "")) ? true : null;
        });
    }

    static String letters(int count) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return letters.toString();
    }

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path freshFolder() {
        try {
            return Files.createTempDirectory("portal-users-console-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
