package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A user's history (R-AUD-1) and the account at an instant (R-AUD-2), after a life scripted
 * through the real HTTP API: created by an Org Admin, edited, disabled by that Org Admin
 * (renamed meanwhile), enabled, moved between organizations.
 */
class UserHistoryApiTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_ID = "00000000-0000-4000-8000-000000000001";

    /** Dave's life, and the instants between its steps. */
    record Life(String dave, String olga, String orgA, String orgB, String email, String newEmail,
                Instant beforeCreation, Instant created, Instant edited, Instant disabled, Instant enabled,
                Instant moved) {
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }


    private static String ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isIn(200, 201);
        return response.json().get("id").asText();
    }

    /** Event times are stored to the millisecond: a step after this instant starts in a later millisecond. */
    private static Instant betweenSteps() throws InterruptedException {
        Instant now = Instant.now();
        Thread.sleep(3);
        return now;
    }

    private Life scriptedLife() throws InterruptedException {
        String orgA = organization();
        String orgB = organization();
        String olga = ok(api.post("/api/users", """
                {"username": "olga-%s", "email": "olga-%s@example.com", "firstName": "Olga", "lastName": "Owner",
                 "role": "ORG_ADMIN", "memberships": [{"organizationId": "%s", "role": "ORG_ADMIN"}], "notify": false}"""
                .formatted(unique(), unique(), orgA)).token(admin).send());
        String olgaToken = tokenFor(UserId.of(olga));
        String email = "dave-" + unique() + "@example.com";
        String newEmail = "dave.jones-" + unique() + "@example.com";

        Instant beforeCreation = betweenSteps();
        String dave = ok(api.post("/api/users", """
                {"username": "dave-%s", "email": "%s", "firstName": "Dave", "lastName": "Smith",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": false}"""
                .formatted(unique(), email, orgA))
                .token(olgaToken).header("X-Correlation-Id", "life-1").header("X-Reason", "new%20hire").send());
        Instant created = betweenSteps();
        ok(api.patch("/api/users/" + dave, """
                {"firstName": "David", "lastName": "Jones", "email": "%s", "language": "fr"}""".formatted(newEmail))
                .token(admin).header("X-Correlation-Id", "life-2").header("X-Reason", "married").send());
        Instant edited = betweenSteps();
        ok(api.patch("/api/users/" + olga, """
                {"firstName": "Olivia", "lastName": "Owner"}""").token(admin).send());
        ok(api.post("/api/users/" + dave + "/disable", "")
                .token(olgaToken).header("X-Correlation-Id", "life-3").header("X-Reason", "left").send());
        Instant disabled = betweenSteps();
        ok(api.post("/api/users/" + dave + "/enable", "").token(admin).header("X-Correlation-Id", "life-4").send());
        Instant enabled = betweenSteps();
        ok(api.put("/api/users/" + dave + "/memberships", """
                {"memberships": [{"organizationId": "%s", "role": "ORG_ADMIN"}, {"organizationId": "%s", "role": "DEVELOPER"}]}"""
                .formatted(orgA, orgB)).token(admin).header("X-Correlation-Id", "life-5").header("X-Reason", "moved").send());
        Instant moved = betweenSteps();
        return new Life(dave, olga, orgA, orgB, email, newEmail, beforeCreation, created, edited, disabled, enabled, moved);
    }

    private Api.Response history(String user, String query, String token) {
        return api.get("/api/users/" + user + "/history" + query).token(token).send();
    }

    private Api.Response at(String user, Instant instant, String token) {
        return api.get("/api/users/" + user + "?at=" + instant).token(token).send();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String membership(String organization, String role) {
        return """
                {"organizationId": "%s", "role": "%s"}""".formatted(organization, role);
    }

    /** In the order of the users view: by the organization id's text. */
    private static String memberships(String... organizationAndRole) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < organizationAndRole.length; i += 2) {
            pairs.add(membership(organizationAndRole[i], organizationAndRole[i + 1]));
        }
        pairs.sort(null);
        return "[" + String.join(",", pairs) + "]";
    }

    @Test
    void R_AUD_1_the_history_lists_every_event_in_order_with_actor_correlation_reason_and_what_changed() throws Exception {
        Life life = scriptedLife();

        Api.Response response = history(life.dave(), "", admin);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode page = response.json();
        assertThat(page.get("total").asLong()).isEqualTo(7);
        JsonNode items = page.get("items");
        List<Instant> from = List.of(life.beforeCreation(), life.created(), life.created(), life.created(),
                life.edited(), life.disabled(), life.enabled());
        List<Instant> until = List.of(life.created(), life.edited(), life.edited(), life.edited(),
                life.disabled(), life.enabled(), life.moved());
        List<JsonNode> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ObjectNode entry = items.get(i).deepCopy();
            assertThat(Instant.parse(entry.remove("time").asText())).as("time of entry %d", i)
                    .isBetween(from.get(i).truncatedTo(ChronoUnit.MILLIS), until.get(i));
            entries.add(entry);
        }
        String olgaThen = """
                {"id": "%s", "name": "Olga Owner"}""".formatted(life.olga());
        String oliviaThen = """
                {"id": "%s", "name": "Olivia Owner"}""".formatted(life.olga());
        String portalAdmin = """
                {"id": "%s", "name": "Portal Admin"}""".formatted(ADMIN_ID);
        String none = """
                {"added": [], "removed": []}""";
        String username = items.get(0).at("/changes/0/after").asText();
        assertThat(username).startsWith("dave-");
        assertThat(entries).containsExactly(
                json("""
                        {"sequenceNumber": 0, "type": "User created", "actor": %s, "correlationId": "life-1", "reason": "new hire",
                         "changes": [{"field": "username", "before": null, "after": "%s"},
                                     {"field": "email", "before": null, "after": "%s"},
                                     {"field": "firstName", "before": null, "after": "Dave"},
                                     {"field": "lastName", "before": null, "after": "Smith"},
                                     {"field": "language", "before": null, "after": "en"},
                                     {"field": "role", "before": null, "after": "DEVELOPER"},
                                     {"field": "enabled", "before": null, "after": true},
                                     {"field": "activation", "before": null, "after": "PENDING"},
                                     {"field": "source", "before": null, "after": "PORTAL"}],
                         "memberships": {"added": [%s], "removed": []}}"""
                        .formatted(olgaThen, username, life.email(), membership(life.orgA(), "DEVELOPER"))),
                json("""
                        {"sequenceNumber": 1, "type": "Name changed", "actor": %s, "correlationId": "life-2", "reason": "married",
                         "changes": [{"field": "firstName", "before": "Dave", "after": "David"},
                                     {"field": "lastName", "before": "Smith", "after": "Jones"}],
                         "memberships": %s}""".formatted(portalAdmin, none)),
                json("""
                        {"sequenceNumber": 2, "type": "Email changed", "actor": %s, "correlationId": "life-2", "reason": "married",
                         "changes": [{"field": "email", "before": "%s", "after": "%s"}], "memberships": %s}"""
                        .formatted(portalAdmin, life.email(), life.newEmail(), none)),
                json("""
                        {"sequenceNumber": 3, "type": "Language changed", "actor": %s, "correlationId": "life-2", "reason": "married",
                         "changes": [{"field": "language", "before": "en", "after": "fr"}], "memberships": %s}"""
                        .formatted(portalAdmin, none)),
                json("""
                        {"sequenceNumber": 4, "type": "Disabled", "actor": %s, "correlationId": "life-3", "reason": "left",
                         "changes": [{"field": "enabled", "before": true, "after": false}], "memberships": %s}"""
                        .formatted(oliviaThen, none)),
                json("""
                        {"sequenceNumber": 5, "type": "Enabled", "actor": %s, "correlationId": "life-4", "reason": null,
                         "changes": [{"field": "enabled", "before": false, "after": true}], "memberships": %s}"""
                        .formatted(portalAdmin, none)),
                json("""
                        {"sequenceNumber": 6, "type": "Memberships changed", "actor": %s, "correlationId": "life-5", "reason": "moved",
                         "changes": [], "memberships": {"added": %s, "removed": [%s]}}"""
                        .formatted(portalAdmin, memberships(life.orgA(), "ORG_ADMIN", life.orgB(), "DEVELOPER"),
                                membership(life.orgA(), "DEVELOPER"))));
    }

    @Test
    void R_AUD_1_the_history_is_paged_with_its_size_capped() throws Exception {
        Life life = scriptedLife();

        JsonNode first = history(life.dave(), "?page=0&size=3", admin).json();
        JsonNode last = history(life.dave(), "?page=2&size=3", admin).json();
        JsonNode beyond = history(life.dave(), "?page=5&size=3", admin).json();
        Api.Response tooLarge = history(life.dave(), "?size=101", admin);
        Api.Response negative = history(life.dave(), "?page=-1", admin);

        assertThat(first.get("items").findValuesAsText("sequenceNumber")).containsExactly("0", "1", "2");
        assertThat(first.get("total").asLong()).isEqualTo(7);
        assertThat(first.get("size").asInt()).isEqualTo(3);
        assertThat(last.get("items").findValuesAsText("sequenceNumber")).containsExactly("6");
        assertThat(last.at("/items/0/type").asText()).isEqualTo("Memberships changed");
        assertThat(beyond.get("items")).isEmpty();
        assertThat(beyond.get("total").asLong()).isEqualTo(7);
        assertThat(List.of(tooLarge.status(), negative.status())).containsOnly(400);
        assertThat(tooLarge.contentType()).startsWith("application/problem+json");
    }

    @Test
    void R_AUD_2_the_account_at_an_instant_is_what_it_was_then() throws Exception {
        Life life = scriptedLife();

        JsonNode created = at(life.dave(), life.created(), admin).json();
        JsonNode edited = at(life.dave(), life.edited(), admin).json();
        JsonNode disabled = at(life.dave(), life.disabled(), admin).json();
        JsonNode enabled = at(life.dave(), life.enabled(), admin).json();

        assertThat(created.get("version").asLong()).isZero();
        assertThat(List.of(created.get("firstName").asText(), created.get("lastName").asText(),
                created.get("email").asText(), created.get("language").asText()))
                .containsExactly("Dave", "Smith", life.email(), "en");
        assertThat(created.get("enabled").asBoolean()).isTrue();
        assertThat(created.get("memberships")).isEqualTo(json(memberships(life.orgA(), "DEVELOPER")));
        assertThat(created.get("createdAt")).isEqualTo(created.get("updatedAt"));
        assertThat(edited.get("version").asLong()).isEqualTo(3);
        assertThat(List.of(edited.get("firstName").asText(), edited.get("lastName").asText(),
                edited.get("email").asText(), edited.get("language").asText()))
                .containsExactly("David", "Jones", life.newEmail(), "fr");
        assertThat(edited.get("createdAt")).isEqualTo(created.get("createdAt"));
        assertThat(disabled.get("version").asLong()).isEqualTo(4);
        assertThat(disabled.get("enabled").asBoolean()).isFalse();
        assertThat(enabled.get("version").asLong()).isEqualTo(5);
        assertThat(enabled.get("enabled").asBoolean()).isTrue();
        assertThat(enabled.get("memberships")).isEqualTo(json(memberships(life.orgA(), "DEVELOPER")));
    }

    @Test
    void R_AUD_2_the_account_now_folded_from_events_equals_the_users_view() throws Exception {
        Life life = scriptedLife();

        JsonNode view = await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/users/" + life.dave()).token(admin).send(),
                        r -> r.status() == 200 && r.json().get("version").asLong() == 6).json();
        JsonNode folded = at(life.dave(), life.moved(), admin).json();

        assertThat(folded).isEqualTo(view);
        assertThat(folded.get("memberships")).isEqualTo(json(memberships(life.orgA(), "ORG_ADMIN", life.orgB(), "DEVELOPER")));
    }

    @Test
    void R_AUD_2_before_its_creation_a_user_is_not_found_and_a_bad_instant_is_a_400() throws Exception {
        Life life = scriptedLife();

        Api.Response before = at(life.dave(), life.beforeCreation(), admin);
        Api.Response bad = api.get("/api/users/" + life.dave() + "?at=yesterday").token(admin).send();
        Api.Response withOffset = api.get("/api/users/" + life.dave() + "?at="
                + life.created().atOffset(java.time.ZoneOffset.ofHours(2)).toString().replace("+", "%2B")).token(admin).send();
        Api.Response unknown = at(UUID.randomUUID().toString(), Instant.now(), admin);
        Api.Response organization = at(life.orgA(), Instant.now(), admin);

        assertThat(before.status()).isEqualTo(404);
        assertThat(before.contentType()).startsWith("application/problem+json");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().at("/errors/0/field").asText()).isEqualTo("at");
        assertThat(withOffset.status()).as(withOffset.toString()).isEqualTo(200);
        assertThat(withOffset.json().get("version").asLong()).isZero();
        assertThat(List.of(unknown.status(), organization.status())).containsOnly(404);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/users/" + life.dave()).token(admin).send().status(), status -> status == 200);
    }

    @Test
    void R_AUD_1_Portal_Admins_and_the_users_Org_Admins_read_its_past_and_nobody_else_not_even_its_owner() throws Exception {
        Life life = scriptedLife();
        UserId otherOrgAdmin = givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(organization()), Role.ORG_ADMIN));
        UserId developer = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(life.orgA()), Role.DEVELOPER));
        String developerToken = tokenFor(developer);

        List<String> readers = List.of(admin, tokenFor(UserId.of(life.olga())), tokenFor(otherOrgAdmin), developerToken);
        List<Integer> histories = readers.stream().map(token -> history(life.dave(), "", token).status()).toList();
        List<Integer> instants = readers.stream().map(token -> at(life.dave(), life.enabled(), token).status()).toList();
        Api.Response ownHistory = history(developer.toString(), "", developerToken);
        Api.Response ownPast = at(developer.toString(), Instant.now(), developerToken);

        assertThat(histories).containsExactly(200, 200, 404, 404);
        assertThat(instants).containsExactly(200, 200, 404, 404);
        assertThat(List.of(ownHistory.status(), ownPast.status())).containsOnly(403);
        assertThat(ownHistory.json().get("code").asText()).isEqualTo("R-AUD-1");
        assertThat(history(life.olga(), "", admin).json().get("total").asLong()).isEqualTo(2);
    }
}
