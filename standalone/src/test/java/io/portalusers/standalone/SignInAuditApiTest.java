package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-AUTH-3, R-AUD-1: every password sign-in, failure, throttled attempt and end of a sign-in
 * is in the sign-in audit record with who, when, which client, the outcome and where from, and
 * no secret; auditors read it as they read the command audit.
 */
class SignInAuditApiTest extends ApiTest {

    private static final String AGENT = "AuditedBrowser/1.0 (X11)";

    record Account(String id, String username, String password) {
    }

    /** A Developer of {@code organization} the Portal Admin invites, who sets its password. */
    private Account developer(String organization) {
        String username = "audited-" + letters(10);
        String email = username + "@example.com";
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s", "firstName": "Audrey", "lastName": "Audited", "role": "DEVELOPER",
                 "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": true}"""
                .formatted(username, email, organization)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String password = "an audited password " + letters(8);
        Api.Response activated = api.post("/api/account-setup/" + MAIL.awaitToken(email, 1), """
                {"password": "%s"}""".formatted(password)).send();
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return new Account(created.json().get("id").asText(), username, password);
    }

    private OidcClient browser() {
        return new OidcClient(port).userAgent(AGENT);
    }

    private List<JsonNode> records(String query, String token) {
        Api.Response answer = api.get("/api/audit/sign-ins?size=100&" + query).token(token).send();
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        answer.json().get("items").forEach(items::add);
        return items;
    }

    private static List<String> outcomes(List<JsonNode> records) {
        return records.stream().map(r -> r.get("outcome").asText()).toList();
    }

    @Test
    void R_AUTH_3_sign_ins_failures_and_throttled_attempts_are_audited_with_who_where_and_no_secret() throws Exception {
        String organization = organization();
        Account user = developer(organization);
        Instant before = Instant.now();

        assertThat(browser().signIn(user.username(), user.password()).signedIn()).isTrue();
        OidcClient guesser = browser();
        for (int i = 0; i < 5; i++) { // the pair's free failures: then the next is throttled
            guesser.password(user.username(), "wrong guess " + i);
        }
        OidcClient.Outcome throttled = guesser.signIn(user.username(), user.password());
        String unknown = "nobody-" + letters(10) + "@example.com";
        browser().signIn(unknown, "the password of nobody");

        List<JsonNode> own = records("user=" + user.id() + "&from=" + before, admin);
        assertThat(throttled.signedIn()).isFalse();
        // newest first
        assertThat(outcomes(own)).containsExactly("THROTTLED", "FAILED", "FAILED", "FAILED", "FAILED", "FAILED",
                "SIGNED_IN");
        JsonNode signedIn = own.get(own.size() - 1);
        assertThat(signedIn.get("userId").asText()).isEqualTo(user.id());
        assertThat(signedIn.get("clientId").asText()).isEqualTo("portal");
        assertThat(signedIn.get("sourceAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(signedIn.get("userAgent").asText()).isEqualTo(AGENT);
        assertThat(signedIn.get("organizations").get(0).asText()).isEqualTo(organization);
        assertThat(signedIn.get("loginHash").isNull()).isTrue();
        assertThat(Instant.parse(signedIn.get("recordedAt").asText())).isBetween(before, Instant.now());
        // the form posted without an authorization request names no client; the one sent from one does
        assertThat(own.get(1).get("clientId").isNull()).isTrue();
        assertThat(own.get(0).get("clientId").asText()).isEqualTo("portal");

        // a login that names no user: its keyed hash, never the login
        List<JsonNode> nameless = records("outcome=FAILED&from=" + before, admin).stream()
                .filter(r -> r.get("userId").isNull()).toList();
        assertThat(nameless).hasSize(1);
        assertThat(nameless.get(0).get("loginHash").asText()).matches("[0-9a-f]{32}");
        String everything = jdbc.sql("select coalesce(string_agg(t::text, ' '), '') from sign_in_audit t")
                .query(String.class).single();
        assertThat(everything).doesNotContain(user.password(), "wrong guess", "the password of nobody", unknown,
                user.username(), "eyJ");
    }

    @Test
    void R_AUTH_3_signing_out_and_being_disabled_end_sessions_in_the_audit_record() throws Exception {
        String organization = organization();
        Account user = developer(organization);
        Instant before = Instant.now();
        OidcClient browser = browser();
        OidcClient.Outcome first = browser.signIn(user.username(), user.password());

        var out = browser.logout(first.idToken());
        assertThat(OidcClient.location(out)).as(out.statusCode() + " " + out.body()).startsWith(OidcClient.REDIRECT);
        assertThat(browser().signIn(user.username(), user.password()).signedIn()).isTrue();
        long sessions = jdbc.sql("select count(*) from oauth2_authorization where principal_name = ?")
                .param(user.id()).query(Long.class).single();
        Api.Response disabled = api.post("/api/users/" + user.id() + "/disable", "").token(admin)
                .header("X-Correlation-Id", "disable-" + user.id()).send();
        assertThat(disabled.status()).isEqualTo(200);

        List<JsonNode> own = records("user=" + user.id() + "&from=" + before, admin);
        assertThat(outcomes(own.subList(0, (int) sessions))).containsOnly("SESSION_ENDED");
        assertThat(outcomes(own.subList((int) sessions, own.size())))
                .containsExactly("SIGNED_IN", "SIGNED_OUT", "SIGNED_IN");
        assertThat(own.subList(0, (int) sessions)).allSatisfy(ended -> {
            assertThat(ended.get("clientId").asText()).isEqualTo("portal");
            assertThat(ended.get("correlationId").asText()).isEqualTo("disable-" + user.id());
            assertThat(ended.get("sourceAddress").asText()).isEqualTo("127.0.0.1");
        });
        JsonNode signedOut = own.get((int) sessions + 1);
        assertThat(signedOut.get("clientId").asText()).isEqualTo("portal");
        assertThat(signedOut.get("userAgent").asText()).isEqualTo(AGENT);
        assertThat(records("user=" + user.id() + "&outcome=SIGNED_OUT", admin)).hasSize(1);
    }

    @Test
    void R_AUD_1_the_sign_in_audit_is_read_by_admins_audit_clients_and_org_admins_of_the_users_organizations()
            throws Exception {
        String acme = organization();
        String globex = organization();
        Account dave = developer(acme);
        assertThat(browser().signIn(dave.username(), dave.password()).signedIn()).isTrue();
        browser().signIn("nobody-" + letters(10), "whatever it is");
        String olga = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(acme), Role.ORG_ADMIN),
                new Membership(OrganizationId.of(globex), Role.ORG_ADMIN)));
        String otto = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(globex), Role.ORG_ADMIN)));
        String auditor = api.get("/api/dev/token?client=reporting&scope=audit:read").send().json().get("token").asText();
        String scraper = api.get("/api/dev/token?client=prometheus&scope=metrics:read").send().json().get("token").asText();

        // Portal Admins and audit clients: everything, nameless attempts included
        assertThat(records("user=" + dave.id(), admin)).isNotEmpty();
        assertThat(records("user=" + dave.id(), auditor)).isEqualTo(records("user=" + dave.id(), admin));
        assertThat(records("outcome=FAILED", auditor)).anySatisfy(r -> assertThat(r.get("userId").isNull()).isTrue());
        // an Org Admin of Dave's organization: its rows, naming its organizations only
        List<JsonNode> olgas = records("", olga);
        assertThat(olgas).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("userId").isNull()).isFalse();
            r.get("organizations").forEach(o -> assertThat(o.asText()).isIn(acme, globex));
        });
        assertThat(records("user=" + dave.id(), olga)).extracting(r -> r.get("id").asLong())
                .isEqualTo(records("user=" + dave.id(), admin).stream().map(r -> r.get("id").asLong()).toList());
        // an Org Admin of another organization: none of Dave's
        assertThat(records("user=" + dave.id(), otto)).isEmpty();

        // everyone else: refused
        Api.Response self = api.get("/api/audit/sign-ins?user=" + dave.id())
                .token(tokenFor(io.portalusers.api.UserId.of(dave.id()))).send();
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.json().get("code").asText()).isEqualTo("R-AUD-1");
        assertThat(api.get("/api/audit/sign-ins").token(tokenFor(givenUser(Role.API_OWNER))).send().status())
                .isEqualTo(403);
        assertThat(api.get("/api/audit/sign-ins").token(scraper).send().status()).isEqualTo(403);
        assertThat(api.get("/api/audit/sign-ins").send().status()).isEqualTo(401);
        // and what it asks must make sense
        assertThat(api.get("/api/audit/sign-ins?outcome=MAYBE").token(admin).send().status()).isEqualTo(400);
        assertThat(api.get("/api/audit/sign-ins?user=dave").token(admin).send().status()).isEqualTo(400);
        assertThat(api.get("/api/audit/sign-ins?size=1000").token(admin).send().status()).isEqualTo(400);
    }
}
