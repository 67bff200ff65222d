package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.identity.IdentityConfiguration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R-AUTH-3: a local account signs in with the password it set at account setup, through the
 * service's own OpenID Connect provider (authorization code with PKCE), and calls the API with
 * the token it gets. Everyone who may not sign in meets one and the same refusal.
 */
class SignInApiTest extends ApiTest {

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    record Account(String id, String username, String email, String password) {
    }

    /** A user the Portal Admin invites (notify on), who completes the account setup with a password. */
    private Account activeUser(String role) {
        Account pending = pendingUser(role, true);
        String token = MAIL.awaitToken(pending.email(), 1);
        Api.Response activated = api.post("/api/account-setup/" + token, """
                {"password": "%s"}""".formatted(pending.password())).send();
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return pending;
    }

    private Account pendingUser(String role, boolean notify) {
        String username = "signin-" + unique();
        String email = username + "@example.com";
        String body = role.equals("DEVELOPER")
                ? """
                {"username": "%s", "email": "%s", "firstName": "Sigrid", "lastName": "Signer", "role": "DEVELOPER",
                 "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": %s}"""
                .formatted(username, email, organization(), notify)
                : """
                {"username": "%s", "email": "%s", "firstName": "Sigrid", "lastName": "Signer", "role": "%s", "notify": %s}"""
                .formatted(username, email, role, notify);
        Api.Response created = api.post("/api/users", body).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Account(created.json().get("id").asText(), username, email, "Sign in with " + unique() + " please");
    }

    private OidcClient browser() {
        return new OidcClient(port);
    }

    @Test
    void R_AUTH_3_an_invited_user_activates_signs_in_and_calls_the_api_with_its_own_token() throws Exception {
        Account nina = activeUser("API_OWNER");

        OidcClient.Outcome byUsername = browser().signIn(nina.username(), nina.password());
        OidcClient.Outcome byEmail = browser().signIn(nina.email().toUpperCase(), nina.password());

        assertThat(byUsername.signedIn()).as(byUsername.location()).isTrue();
        assertThat(byEmail.signedIn()).as(byEmail.location()).isTrue();
        JsonNode claims = byUsername.claims();
        assertThat(claims.get("sub").asText()).isEqualTo(nina.id());
        assertThat(claims.get("aud").toString()).contains("portal-users");
        assertThat(byUsername.tokens().get("id_token").asText()).isNotBlank();
        Api.Response own = ownAccount(nina.id(), byUsername.accessToken());
        assertThat(own.json().get("username").asText()).isEqualTo(nina.username());
        // what the account may do comes from the service, not the token: an API Owner lists no users
        assertThat(api.get("/api/users?name=sig").token(byEmail.accessToken()).send().status()).isEqualTo(403);
    }

    @Test
    void R_AUTH_3_a_wrong_password_an_unknown_login_and_accounts_that_may_not_sign_in_meet_one_refusal() throws Exception {
        Account active = activeUser("DEVELOPER");
        Account pending = pendingUser("DEVELOPER", false);
        Account disabled = activeUser("DEVELOPER");
        assertThat(api.post("/api/users/" + disabled.id() + "/disable", "").token(admin).send().status()).isEqualTo(200);
        Account idp = idpUserWithAPassword();

        List<OidcClient.Outcome> refused = List.of(
                browser().signIn(active.username(), active.password() + "x"),
                browser().signIn("nobody-" + unique(), active.password()),
                browser().signIn("nobody-" + unique() + "@example.com", active.password()),
                browser().signIn(pending.username(), pending.password()),
                browser().signIn(disabled.username(), disabled.password()),
                browser().signIn(idp.username(), idp.password()),
                browser().signIn("", ""),
                browser().signIn("a\u0000b", "x"));

        assertThat(refused).allSatisfy(outcome -> {
            assertThat(outcome.signedIn()).isFalse();
            assertThat(outcome.location()).endsWith("/login?error");
        });
        assertThat(browser().signIn(active.username(), active.password()).signedIn()).isTrue();
    }

    /** An IdP user to whom a password was given behind the service's back: its source still keeps it out. */
    private Account idpUserWithAPassword() {
        String password = "an IdP user's own " + unique();
        IdpUser idp = idpUserWithPassword(password);
        return new Account(idp.id(), idp.username(), idp.email(), password);
    }

    @Test
    void R_AUTH_3_while_sso_is_on_only_portal_admins_sign_in_with_a_password() throws Exception {
        Account owner = activeUser("API_OWNER");
        Account portalAdmin = activeUser("PORTAL_ADMIN");
        JsonNode settings = api.get("/api/settings").token(admin).send().json();
        try {
            assertThat(api.put("/api/settings", """
                    {"ssoEnabled": true, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}"""
                    .formatted(settings.get("thirdPartyRegistrationEnabled"), settings.get("registrationWorkflowEnabled")))
                    .token(admin).send().status()).isEqualTo(200);

            assertThat(browser().signIn(owner.username(), owner.password()).signedIn()).isFalse();
            assertThat(browser().signIn(portalAdmin.username(), portalAdmin.password()).signedIn()).isTrue();
        } finally {
            api.put("/api/settings", """
                    {"ssoEnabled": false, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": %s}"""
                    .formatted(settings.get("thirdPartyRegistrationEnabled"), settings.get("registrationWorkflowEnabled")))
                    .token(admin).send();
        }
        assertThat(browser().signIn(owner.username(), owner.password()).signedIn()).isTrue();
    }

    @Test
    void R_AUTH_3_disabling_a_user_ends_its_sign_ins_and_its_tokens_at_once() throws Exception {
        Account user = activeUser("API_OWNER");
        OidcClient.Outcome signedIn = browser().signIn(user.username(), user.password());
        assertThat(authorizationsOf(user.id())).isPositive();

        assertThat(api.post("/api/users/" + user.id() + "/disable", "").token(admin).send().status()).isEqualTo(200);

        assertThat(authorizationsOf(user.id())).isZero();
        assertThat(api.get("/api/users/" + user.id()).token(signedIn.accessToken()).send().status()).isEqualTo(401);
    }

    @Test
    void R_AUTH_3_the_portal_client_refreshes_its_tokens_and_each_refresh_token_works_once() throws Exception {
        Account user = activeUser("DEVELOPER");
        OidcClient browser = browser();
        String first = browser.signIn(user.username(), user.password()).tokens().get("refresh_token").asText();

        HttpResponse<String> refreshed = browser.refresh(first);

        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode tokens = new com.fasterxml.jackson.databind.ObjectMapper().readTree(refreshed.body());
        String second = tokens.get("refresh_token").asText();
        assertThat(second).isNotBlank().isNotEqualTo(first);
        ownAccount(user.id(), tokens.get("access_token").asText());
        HttpResponse<String> replayed = browser.refresh(first);
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("invalid_grant");
        // a refresh token is bound to its client and to an account that may still sign in
        assertThat(browser.post("/oauth2/token", OidcClient.form(java.util.Map.of("grant_type", "refresh_token",
                "client_id", "someone-else", "refresh_token", second))).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/users/" + user.id() + "/disable", "").token(admin).send().status()).isEqualTo(200);
        assertThat(browser.refresh(second).statusCode()).isEqualTo(400);
    }

    @Test
    void R_AUTH_3_end_session_signs_the_browser_out() throws Exception {
        Account user = activeUser("API_OWNER");
        OidcClient browser = browser();
        String idToken = browser.signIn(user.username(), user.password()).tokens().get("id_token").asText();

        HttpResponse<String> loggedOut = browser.get("/connect/logout?" + OidcClient.form(java.util.Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", OidcClient.REDIRECT, "state", "bye")));

        assertThat(loggedOut.statusCode()).as(loggedOut.body()).isEqualTo(302);
        assertThat(OidcClient.location(loggedOut)).startsWith(OidcClient.REDIRECT).contains("state=bye");
        // the browser's session is gone: the next authorization request asks for the password again
        assertThat(browser.signIn(user.username(), user.password()).signedIn()).isTrue();
    }

    @Test
    void R_AUTH_2_a_machine_client_registered_by_configuration_gets_tokens_for_its_scopes_only() throws Exception {
        OidcClient client = browser();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("bireports:" + MACHINE_SECRET).getBytes());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, HttpResponse<String>> token = form -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/oauth2/token"))
                        .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        HttpResponse<String> issued = token.apply("grant_type=client_credentials&scope=audit:read");
        HttpResponse<String> tooMuch = token.apply("grant_type=client_credentials&scope=metrics:read");
        HttpResponse<String> wrongSecret = client.post("/oauth2/token", "grant_type=client_credentials&scope=audit:read"
                + "&client_id=bireports&client_secret=guess");

        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String access = new com.fasterxml.jackson.databind.ObjectMapper().readTree(issued.body()).get("access_token").asText();
        assertThat(api.get("/api/audit/events?user=" + UUID.randomUUID()).token(access).send().status()).isEqualTo(200);
        assertThat(api.get("/api/settings").token(access).send().status()).isEqualTo(403);
        assertThat(tooMuch.statusCode()).isEqualTo(400);
        assertThat(tooMuch.body()).contains("invalid_scope");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        // revocation and introspection, for the client that holds the token
        HttpResponse<String> revoked = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/oauth2/revoke"))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + access)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(200);
        HttpResponse<String> introspected = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/oauth2/introspect"))
                .header("Authorization", basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("token=" + access)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(introspected.body()).contains("\"active\":false");
    }

    /** The user's own account read with {@code token}; the query side shows a new user a moment after it was created. */
    private Api.Response ownAccount(String userId, String token) {
        await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> api.get("/api/users/" + userId).token(token).send().status() != 404);
        Api.Response own = api.get("/api/users/" + userId).token(token).send();
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        return own;
    }

    private long authorizationsOf(String userId) {
        return jdbc.sql("select count(*) from oauth2_authorization where principal_name = ?").param(userId)
                .query(Long.class).single();
    }

    @Test
    void R_AUTH_3_concurrent_sign_ins_of_one_user_each_get_their_own_token() throws Exception {
        Account user = activeUser("DEVELOPER");

        List<OidcClient.Outcome> outcomes = concurrently(8, i -> browser().signIn(user.username(), user.password()));

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.signedIn()).as(outcome.location()).isTrue());
        assertThat(new HashSet<>(outcomes.stream().map(OidcClient.Outcome::accessToken).toList())).hasSize(8);
    }

    @Test
    void R_AUTH_3_discovery_publishes_the_provider_and_pkce_is_required() throws Exception {
        OidcClient browser = browser();
        HttpResponse<String> discovery = browser.get("/.well-known/openid-configuration");
        assertThat(discovery.statusCode()).isEqualTo(200);
        assertThat(discovery.body()).contains("\"authorization_endpoint\"", "\"token_endpoint\"", "\"jwks_uri\"",
                "\"end_session_endpoint\"", "\"revocation_endpoint\"", "\"S256\"");
        assertThat(browser.get("/oauth2/jwks").body()).contains("\"kty\":\"RSA\"").doesNotContain("\"d\":");

        // without a code challenge the public client is refused, back at its redirect with an error
        HttpResponse<String> noPkce = browser.get("/oauth2/authorize?" + OidcClient.form(java.util.Map.of(
                "response_type", "code", "client_id", IdentityConfiguration.PORTAL_CLIENT,
                "redirect_uri", OidcClient.REDIRECT, "scope", "openid", "state", "s")));
        assertThat(OidcClient.location(noPkce)).startsWith(OidcClient.REDIRECT).contains("error=invalid_request");
        // a redirect the client did not register gets no redirect at all
        HttpResponse<String> foreign = browser.get("/oauth2/authorize?" + OidcClient.form(java.util.Map.of(
                "response_type", "code", "client_id", IdentityConfiguration.PORTAL_CLIENT,
                "redirect_uri", "https://attacker.example/callback", "scope", "openid", "state", "s",
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256")));
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(OidcClient.location(foreign)).doesNotContain("attacker");
    }

    @Test
    void the_sign_in_page_speaks_the_portals_languages_and_says_nothing_about_accounts() throws Exception {
        OidcClient browser = browser();

        assertThat(browser.get("/login?lang=de").body()).contains("lang=\"de\"", "Beim API-Portal anmelden");
        assertThat(browser.get("/login?lang=fr").body()).contains("lang=\"fr\"", "Se connecter");
        assertThat(browser.get("/login?lang=xx").body()).contains("lang=\"en\"", "Sign in to the API Portal");
        String failed = browser.get("/login?error").body();
        assertThat(failed).contains("do not match an account that may sign in here")
                .contains("for=\"username\"", "for=\"password\"", "type=\"password\"", "autocomplete=\"current-password\"");
    }
}
