package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A visitor's whole path in the browser, on the links the standalone jar emails by default:
 * signing up for an account and an organization, and a forgotten password. Each step is the
 * API's: the pages only show its forms, its refusals beside their fields, and its outcomes.
 */
class ConsoleVisitorTest extends ConsoleTest {

    private static final Pattern RESET_LINK = Pattern.compile("https?://\\S+/console/password-reset/[A-Za-z0-9_-]+\\?lang=[a-z]+");

    @Test
    void R_REG_1_R_REG_2_R_ACT_1_a_visitor_signs_up_is_approved_sets_up_the_account_from_the_email_and_signs_in() {
        // closed in the settings: the sign-in page offers no sign-up, and the page says it is closed and offers no form
        settings(false, false);
        browser.open("/login");
        assertThat(browser.all(By.id("forgot-password"))).isNotEmpty();
        assertThat(browser.all(By.id("sign-up"))).isEmpty();
        browser.open("/console/sign-up");
        assertThat(browser.text(By.id("closed"))).contains("Registration is closed");
        assertThat(browser.all(By.id("register"))).isEmpty();
        browser.page("sign-up-closed");

        // open, with a Portal Admin's approval first: the sign-in page links to the sign-up page, in its language
        settings(true, true);
        browser.open("/login?lang=de");
        assertThat(browser.text(By.id("sign-up"))).isEqualTo("Noch kein Konto? Registrieren");
        browser.find(By.id("sign-up")).click();
        browser.untilUrlContains("/console/sign-up");
        assertThat(browser.driver.getTitle()).isEqualTo("Beim API-Portal registrieren");
        assertThat(browser.find(By.id("sign-in")).getAttribute("href")).as("and back").endsWith("/console");
        // the API's refusals in the page's language
        browser.find(By.id("register")).click();
        assertThat(browser.text(By.id("firstName-error"))).isEqualTo("Bitte füllen Sie dieses Feld aus.");
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).as("the first field of the page to correct")
                .isEqualTo("firstName");
        assertThat(browser.text(By.id("termsAccepted-error")))
                .isEqualTo("Bitte akzeptieren Sie die Nutzungsbedingungen, um sich zu registrieren.");
        browser.page("sign-up-refused-de");

        browser.open("/console/sign-up");
        assertThat(browser.driver.getTitle()).isEqualTo("Register for the API Portal");
        String username = "wile-" + letters(8);
        String email = username + "@coyote.example";
        String organization = "Coyote Supplies " + letters(6);
        browser.fill("First name", "Wile");
        browser.fill("Last name", "Coyote");
        browser.fill("Email", "not an address");
        browser.fill("Username", username);
        new Select(browser.field("Language")).selectByValue("de");
        browser.fill("Organization name", organization);
        browser.page("sign-up-form");
        // sent with a wrong address and the terms not accepted: the API's words beside both fields
        browser.find(By.id("register")).click();
        assertThat(browser.text(By.id("email-error"))).isNotBlank();
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("email");
        assertThat(browser.field("Email").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.field("Email").getAttribute("aria-describedby")).isEqualTo("email-error");
        assertThat(browser.text(By.id("termsAccepted-error"))).contains("terms");
        assertThat(browser.all(By.id("username-error"))).as("a valid field has no note").isEmpty();
        assertThat(browser.field("Username").getAttribute("value")).as("what was typed stays").isEqualTo(username);
        browser.page("sign-up-refused");

        browser.fill("Email", email);
        // the keyboard alone: the checkbox by Space, the form sent by Enter
        browser.field("I accept the terms of use of the API Portal").sendKeys(Keys.SPACE);
        browser.field("Organization name").sendKeys(Keys.ENTER);
        assertThat(browser.text(By.id("signed-up"))).contains("received your registration");
        assertThat(browser.text(By.id("main"))).contains("An administrator of the portal reviews it");
        browser.page("sign-up-pending");

        // a Portal Admin approves (through the API); the account setup email follows, in German
        String request = await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode r : api.get("/api/registrations?status=PENDING&size=100").token(admin).send().json().path("items")) {
                if (r.path("username").asText().equals(username)) {
                    return r.path("id").asText();
                }
            }
            return null;
        }, java.util.Objects::nonNull);
        Api.Response approved = api.post("/api/registrations/" + request + "/approve", "").token(admin).send();
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        MimeMessage activation = await().atMost(Duration.ofSeconds(60)).until(() -> MAIL.to(email).stream()
                .filter(m -> Mailbox.part(m, "text/plain").contains("/account-setup/")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        String link = setupLink(activation);
        assertThat(link).startsWith(BASE + "/console/account-setup/").endsWith("?lang=de");

        browser.forgetCookies();
        browser.open(link);
        assertThat(browser.field("Benutzername").getAttribute("value")).isEqualTo(username);
        String password = "Wiles eigene Passphrase " + letters(6);
        browser.fill("Passwort", password);
        browser.fill("Passwort wiederholen", password);
        browser.find(By.id("activate")).click();
        assertThat(browser.text(By.id("activated"))).contains("Ihr Konto ist aktiv");
        browser.page("sign-up-activated");

        // and Wile signs in, Org Admin of the new organization
        signIn(new Account(null, username, email, password, "Wile", "Coyote"));
        browser.page("sign-up-signed-in");
        JsonNode wile = await().until(() -> {
            JsonNode items = api.get("/api/users?email=" + username).token(admin).send().json().path("items");
            return items.size() == 1 ? items.get(0) : null;
        }, java.util.Objects::nonNull);
        assertThat(wile.path("memberships").get(0).path("role").asText()).isEqualTo("ORG_ADMIN");
    }

    @Test
    void R_REG_1_without_the_workflow_the_page_says_the_setup_email_is_on_its_way_and_a_taken_organization_is_refused_beside_its_field() {
        settings(true, false);
        String taken = "Taken Roads " + letters(6);
        organization(taken);
        browser.open("/console/sign-up?lang=fr");
        assertThat(browser.driver.getTitle()).isEqualTo("S'inscrire au portail API");
        assertThat(new Select(browser.field("Langue")).getFirstSelectedOption().getAttribute("value"))
                .as("the page's language is the account's, unless chosen otherwise").isEqualTo("fr");
        String username = "roadie-" + letters(8);
        String email = username + "@roads.example";
        browser.fill("Prénom", "Road");
        browser.fill("Nom", "Runner");
        browser.fill("Adresse e-mail", email);
        browser.fill("Nom d'utilisateur", username);
        browser.fill("Nom de l'organisation", taken);
        browser.field("J'accepte les conditions d'utilisation du portail API").click();
        browser.find(By.id("register")).click();
        assertThat(browser.text(By.id("organizationName-error"))).contains("R-REG-1");
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).as("the keyboard is at the field to correct")
                .isEqualTo("organizationName");
        browser.page("sign-up-organization-taken");

        browser.fill("Nom de l'organisation", "Runner Roads " + letters(6));
        assertThat(browser.field("J'accepte les conditions d'utilisation du portail API").isSelected())
                .as("the terms accepted stay accepted").isTrue();
        browser.find(By.id("register")).click();
        // the form stays shown until the answer replaces the page's main part
        assertThat(browser.textContaining(By.id("main"), "son lien configure votre compte")).doesNotContain("R-REG-1");
        browser.page("sign-up-email-sent");
        assertThat(setupLink(await().atMost(Duration.ofSeconds(60)).until(() -> MAIL.to(email).stream()
                .filter(m -> Mailbox.part(m, "text/plain").contains("/account-setup/")).findFirst().orElse(null),
                java.util.Objects::nonNull))).endsWith("?lang=fr");
    }

    @Test
    void R_AUTH_4_forgot_password_from_the_sign_in_page_to_a_new_password_from_the_email_and_signing_in_with_it() throws Exception {
        Account rita = frenchAccount();

        // from the sign-in page (in the browser's language, English) to the request form
        browser.open("/console");
        browser.untilUrlContains("/login");
        browser.find(By.id("forgot-password")).click();
        browser.untilUrlContains("/console/password-reset");
        assertThat(browser.driver.getTitle()).isEqualTo("Forgot your password?");
        browser.page("forgot-password");
        // nothing typed: said beside the field
        browser.find(By.id("send-link")).click();
        assertThat(browser.text(By.id("login-error"))).isEqualTo("Enter your username or your email address.");
        assertThat(browser.field("Username or email").getAttribute("aria-invalid")).isEqualTo("true");

        // a login that names nobody gets the very answer Rita's gets: the page tells nothing about accounts
        browser.fill("Username or email", "nobody-" + letters(8));
        browser.find(By.id("send-link")).click();
        String nobody = browser.text(By.id("reset-requested"));
        browser.open("/console/password-reset");
        browser.fill("Username or email", rita.email());
        browser.find(By.id("send-link")).click();
        assertThat(browser.text(By.id("reset-requested"))).isEqualTo(nobody).contains("on its way");
        browser.page("reset-requested");

        // the email, in Rita's language, opens the page in French
        MimeMessage email = await().atMost(Duration.ofSeconds(60)).until(() -> MAIL.to(rita.email()).stream()
                .filter(m -> Mailbox.part(m, "text/plain").contains("/password-reset/")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        Matcher link = RESET_LINK.matcher(Mailbox.part(email, "text/plain"));
        assertThat(link.find()).as("the console's reset page in the text").isTrue();
        assertThat(link.group()).startsWith(BASE + "/console/password-reset/").endsWith("?lang=fr");
        browser.forgetCookies();
        browser.open(link.group());
        assertThat(browser.driver.getTitle()).isEqualTo("Choisir un nouveau mot de passe");
        browser.page("new-password-fr");

        // a password the API refuses: its words beside the field, and the link still works
        browser.fill("Nouveau mot de passe", "court");
        browser.fill("Répétez le mot de passe", "court");
        browser.find(By.id("set-password")).click();
        assertThat(browser.text(By.id("password-error"))).isNotBlank();
        assertThat(browser.field("Nouveau mot de passe").getAttribute("aria-invalid")).isEqualTo("true");
        browser.page("new-password-refused");
        // two different ones: caught before the link is used
        browser.fill("Nouveau mot de passe", "une longue phrase secrète");
        browser.fill("Répétez le mot de passe", "une autre longue phrase");
        browser.find(By.id("set-password")).click();
        assertThat(browser.text(By.id("repeat-error"))).isEqualTo("Les deux mots de passe diffèrent.");

        String password = "la nouvelle phrase de Rita " + letters(6);
        browser.fill("Nouveau mot de passe", password);
        browser.fill("Répétez le mot de passe", password);
        browser.find(By.id("set-password")).click();
        assertThat(browser.text(By.id("password-set"))).startsWith("Votre nouveau mot de passe est enregistré");
        browser.page("new-password-set");

        // the old password no longer signs in; the new one does
        assertThat(new OidcClient(PORT).signIn(rita.username(), rita.password()).signedIn()).isFalse();
        browser.find(By.id("sign-in")).click();
        signIn(new Account(rita.id(), rita.username(), rita.email(), password, rita.firstName(), rita.lastName()));

        // the link was used: opening it again says so, and offers a new one
        browser.open(link.group());
        assertThat(browser.text(By.id("invalid"))).contains("n'est pas (ou plus) valide");
        assertThat(browser.find(By.id("ask-again")).getAttribute("href")).endsWith("/console/password-reset?lang=fr");
    }

    /** An active Org Admin whose language is French. */
    private Account frenchAccount() {
        String north = organization("Nord " + letters(6));
        String username = "rita-" + letters(8);
        String email = username + "@example.com";
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s", "firstName": "Rita", "lastName": "Rappel", "role": "DEVELOPER",
                 "language": "fr", "memberships": [{"organizationId": "%s", "role": "ORG_ADMIN"}], "notify": true}"""
                .formatted(username, email, north)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Account rita = new Account(created.json().get("id").asText(), username, email, "Ritas erste Passphrase " + letters(6),
                "Rita", "Rappel");
        Api.Response activated = api.post("/api/account-setup/" + setupToken(MAIL.await(email, 1).get(0)), """
                {"password": "%s"}""".formatted(rita.password())).send();
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return rita;
    }

    /** Changes the settings and waits until a visitor's page reads them. */
    private void settings(boolean registration, boolean workflow) {
        Api.Response changed = api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}"""
                .formatted(registration, workflow)).token(admin).send();
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode read = api.get("/api/settings/registration").send().json();
            return read.path("thirdPartyRegistrationEnabled").asBoolean() == registration
                    && read.path("registrationWorkflowEnabled").asBoolean() == workflow;
        });
    }
}
