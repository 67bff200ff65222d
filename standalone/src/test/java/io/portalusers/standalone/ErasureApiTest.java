package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.UserId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R-ERASE-1: erasure by crypto-shredding, end to end. Personal fields are stored encrypted; a
 * Portal Admin erases a disabled user with a reason, and from then on the history, the account
 * at an instant, the export and the views show the fields as erased, while the events stay.
 */
class ErasureApiTest extends ApiTest {

    private static final String REASON = "{\"reason\": \"erasure request 2026-17\"}";

    private String disabledUser(String email) {
        String id = user("Erin", "Erasable", email, "PORTAL_ADMIN");
        assertThat(api.post("/api/users/" + id + "/disable", "").token(admin).send().status()).isEqualTo(200);
        return id;
    }

    private List<String> storedPayloads(String user) {
        return jdbc.sql("select payload from domainevententry where aggregateidentifier = ? order by sequencenumber")
                .param(user).query((rs, n) -> new String(rs.getBytes(1), StandardCharsets.UTF_8)).list();
    }

    private long events(String user) {
        return jdbc.sql("select count(*) from domainevententry where aggregateidentifier = ?").param(user)
                .query(Long.class).single();
    }

    @Test
    void R_ERASE_1_personal_fields_are_stored_encrypted_and_read_back_in_clear() {
        String email = "erin-" + letters(8).toLowerCase() + "@example.com";
        String id = user("Erin", "Plain", email, "PORTAL_ADMIN");

        assertThat(storedPayloads(id).get(0)).doesNotContain(email).doesNotContain("Erin").contains("\"$personal\":");
        Api.Response history = api.get("/api/users/" + id + "/history").token(admin).send();
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.body()).contains(email).contains("Erin");
        assertThat(api.get("/api/audit/events?user=" + id).token(admin).send().body()).contains(email);
    }

    @Test
    void R_ERASE_1_reasons_given_with_commands_are_stored_sealed_shown_in_clear_and_erased_with_the_person() {
        String email = "rhea-" + letters(8).toLowerCase() + "@example.com";
        String id = user("Rhea", "Reasoned", email, "PORTAL_ADMIN");
        String renamed = "Rhea asked " + letters(6);
        String left = "Rhea left " + letters(6);
        assertThat(api.patch("/api/users/" + id, "{\"firstName\": \"Rhiannon\", \"lastName\": \"Reasoned\"}").token(admin)
                .header("X-Reason", renamed.replace(" ", "%20")).send().status()).isEqualTo(200);
        assertThat(api.post("/api/users/" + id + "/disable", "").token(admin)
                .header("X-Reason", left.replace(" ", "%20")).send().status()).isEqualTo(200);

        // the log holds neither reason in clear; every reader shows both
        List<String> metadata = jdbc.sql("select convert_from(metadata, 'UTF8') from domainevententry"
                        + " where aggregateidentifier = ? order by sequencenumber")
                .param(id).query(String.class).list();
        assertThat(String.join("\n", metadata)).doesNotContain(renamed).doesNotContain(left).contains("$personal");
        assertThat(api.get("/api/users/" + id + "/history").token(admin).send().body())
                .contains(renamed).contains(left);
        assertThat(api.get("/api/audit/events?user=" + id).token(admin).send().body())
                .contains(renamed).contains(left);
        assertThat(api.get("/api/audit/events?user=" + id + "&format=csv").token(admin).send().body())
                .contains(renamed);

        assertThat(api.post("/api/users/" + id + "/erase", REASON).token(admin).send().status()).isEqualTo(200);

        JsonNode history = api.get("/api/users/" + id + "/history").token(admin).send().json();
        assertThat(history.toString()).doesNotContain(renamed).doesNotContain(left);
        List<String> reasons = new java.util.ArrayList<>();
        history.get("items").forEach(entry -> reasons.add(entry.path("reason").asText(null)));
        assertThat(reasons).filteredOn("[erased]"::equals).hasSizeGreaterThanOrEqualTo(2);
        assertThat(api.get("/api/audit/events?user=" + id).token(admin).send().body())
                .doesNotContain(renamed).doesNotContain(left).contains("[erased]");
        assertThat(jdbc.sql("select count(*) from command_audit where target_id = ? and reason like ?")
                .params(id, "Rhea%").query(Long.class).single()).isZero();
    }

    @Test
    void R_ERASE_1_refused_for_other_than_a_portal_admin_for_an_enabled_user_and_without_a_reason() {
        String org = organization();
        String orgAdmin = user("Olga", "Admin", "olga-" + letters(8).toLowerCase() + "@example.com", "DEVELOPER",
                org, "ORG_ADMIN");
        String member = user("Mel", "Member", "mel-" + letters(8).toLowerCase() + "@example.com", "DEVELOPER",
                org, "DEVELOPER");
        long before = events(member);

        Api.Response enabled = api.post("/api/users/" + member + "/erase", REASON).token(admin).send();
        assertThat(enabled.status()).as(enabled.toString()).isEqualTo(422);
        assertThat(enabled.json().get("code").asText()).isEqualTo("R-ERASE-1");
        assertThat(enabled.contentType()).startsWith("application/problem+json");

        assertThat(api.post("/api/users/" + member + "/disable", "").token(admin).send().status()).isEqualTo(200);
        Api.Response byOrgAdmin = api.post("/api/users/" + member + "/erase", REASON)
                .token(tokenFor(UserId.of(orgAdmin))).send();
        assertThat(byOrgAdmin.status()).as(byOrgAdmin.toString()).isEqualTo(403);
        assertThat(byOrgAdmin.json().get("code").asText()).isEqualTo("R-ERASE-1");
        for (String noReason : List.of("{}", "{\"reason\": \"  \"}")) {
            Api.Response refused = api.post("/api/users/" + member + "/erase", noReason).token(admin).send();
            assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
            assertThat(refused.json().get("code").asText()).isEqualTo("R-ERASE-1");
        }
        assertThat(api.post("/api/users/" + member + "/erase", REASON).send().status()).isEqualTo(401);

        assertThat(events(member)).isEqualTo(before + 1);
        assertThat(jdbc.sql("select count(*) from personal_data_key where subject = ? and wrapped_key is not null")
                .param(member).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void R_ERASE_1_an_erased_user_reads_as_erased_everywhere_and_frees_username_and_email() throws Exception {
        String email = "gone-" + letters(8).toLowerCase() + "@example.com";
        String id = disabledUser(email);
        String username = api.get("/api/users/" + id + "/history").token(admin).send().json().toString();
        Instant beforeErasure = Instant.now();
        long eventsBefore = events(id);
        jdbc.sql("insert into idempotency_key (caller_id, idempotency_key, request_hash, status, body, created_at)"
                        + " values (gen_random_uuid(), 'k-' || ?, '\\x00', 201, convert_to(?, 'UTF8'), now())")
                .params(id, "{\"id\": \"" + id + "\"}").update();
        // the sign-in and password audit records of the user, as a sign-in and a password change wrote them
        jdbc.sql("insert into sign_in_audit (recorded_at, outcome, user_id, client_id, source_address, user_agent)"
                + " values (now(), 'SIGNED_IN', ?::uuid, 'portal', '203.0.113.7', 'Erin''s browser')").param(id).update();
        jdbc.sql("insert into password_audit (recorded_at, event, user_id, outcome, client, source_address)"
                + " values (now(), 'PASSWORD_CHANGED', ?::uuid, 'SUCCEEDED', 'Erin''s browser', '203.0.113.7')")
                .param(id).update();

        Api.Response erased = api.post("/api/users/" + id + "/erase", REASON).token(admin).send();
        assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
        Api.Response again = api.post("/api/users/" + id + "/erase", REASON).token(admin).send();
        assertThat(again.status()).as("idempotent").isEqualTo(200);
        // asked again, an erasure still needs a reason the document accepts (at most 500 characters)
        Api.Response tooLong = api.post("/api/users/" + id + "/erase", "{\"reason\": \"" + "x".repeat(501) + "\"}")
                .token(admin).send();
        assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(422);
        assertThat(tooLong.json().get("code").asText()).isEqualTo("R-ERASE-1");
        assertThat(events(id)).isEqualTo(eventsBefore + 1);

        // the events stay, only the keys are gone; the erasure itself names no one
        List<String> stored = storedPayloads(id);
        assertThat(stored).hasSize((int) eventsBefore + 1);
        assertThat(stored.get(stored.size() - 1)).contains("erasure request 2026-17").doesNotContain(email);
        assertThat(jdbc.sql("select wrapped_key is null and erased_at is not null from personal_data_key where subject = ?")
                .param(id).query(Boolean.class).single()).isTrue();

        String history = api.get("/api/users/" + id + "/history").token(admin).send().body();
        assertThat(history).doesNotContain(email).doesNotContain("Erasable").contains("[erased]");
        JsonNode atInstant = api.get("/api/users/" + id + "?at=" + beforeErasure).token(admin).send().json();
        assertThat(atInstant.get("email").asText()).isEqualTo("[erased]");
        assertThat(atInstant.get("lastName").asText()).isEqualTo("[erased]");
        String export = api.get("/api/audit/events?user=" + id).token(admin).send().body();
        assertThat(export).doesNotContain(email).doesNotContain("Erasable").contains("[erased]").contains("UserErased");
        // the feed (and the webhooks, which send its messages) from before the user's first event
        long before = jdbc.sql("select min(globalindex) - 1 from domainevententry where aggregateidentifier = ?")
                .param(id).query(Long.class).single();
        Api.Response feed = api.get("/api/events?limit=1000&after=" + before).token(admin).send();
        assertThat(feed.status()).as(feed.toString()).isEqualTo(200);
        assertThat(feed.body()).contains(id).doesNotContain(email).doesNotContain("Erasable").contains("[erased]");
        JsonNode view = await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/users/" + id).token(admin).send(),
                        r -> r.status() == 200 && "[erased]".equals(r.json().path("email").asText())).json();
        assertThat(view.get("username").asText()).isEqualTo("[erased]");
        assertThat(view.toString()).doesNotContain(email);

        assertThat(jdbc.sql("select count(*) from idempotency_key where position(convert_to(?, 'UTF8') in body) > 0")
                .param(id).query(Long.class).single()).isZero();
        // the notifier reads the log on its own: one behind the users view may still meet the
        // creation (its names already read as erased, the key being gone) before the erasure
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jdbc.sql(
                        "select count(*) from mail_recipient where user_id = ?::uuid").param(id)
                .query(Long.class).single()).isZero());
        // the audit records keep what happened and when, not from where
        assertThat(jdbc.sql("select count(*) from sign_in_audit where user_id = ?::uuid and outcome = 'SIGNED_IN'"
                + " and source_address is null and user_agent is null").param(id).query(Long.class).single()).isOne();
        assertThat(jdbc.sql("select count(*) from password_audit where user_id = ?::uuid and event = 'PASSWORD_CHANGED'"
                + " and source_address is null and client is null").param(id).query(Long.class).single()).isOne();
        assertThat(jdbc.sql("select count(*) from sign_in_audit where source_address = '203.0.113.7'"
                + " or user_agent like 'Erin%'").query(Long.class).single()).isZero();

        // the email is free again; the erased user takes no more changes
        assertThat(jdbc.sql("select count(*) from email_lookup where user_id = ?::uuid").param(id)
                .query(Long.class).single()).isZero();
        String successor = user("Erin", "Again", email, "PORTAL_ADMIN");
        assertThat(successor).isNotEqualTo(id);
        Api.Response enable = api.post("/api/users/" + id + "/enable", "").token(admin).send();
        assertThat(enable.status()).isEqualTo(422);
        assertThat(enable.json().get("code").asText()).isEqualTo("R-ERASE-1");
        assertThat(username).contains(email);
    }

    @Test
    void R_ERASE_1_the_registration_that_became_the_user_is_erased_with_it() {
        settings(true);
        try {
            String unique = letters(10).toLowerCase();
            String email = unique + "@visitor.example";
            Api.Response received = api.post("/api/registrations", """
                    {"username": "reg-%s", "email": "%s", "firstName": "Vera", "lastName": "Registrant",
                     "language": "de", "organizationName": "Org %s", "termsAccepted": true}"""
                    .formatted(unique, email, unique)).send();
            assertThat(received.status()).as(received.body()).isEqualTo(202);
            JsonNode request = await().atMost(Duration.ofSeconds(20)).until(() -> registration("reg-" + unique),
                    r -> r != null && "COMPLETED".equals(r.get("status").asText()));
            String registration = request.get("id").asText();
            String user = request.get("userId").asText();
            assertThat(request.get("email").asText()).isEqualTo(email);

            assertThat(api.post("/api/users/" + user + "/disable", "").token(admin).send().status()).isEqualTo(200);
            assertThat(api.post("/api/users/" + user + "/erase", REASON).token(admin).send().status()).isEqualTo(200);

            // the registration's key went with the user's: its events and its row read as erased
            assertThat(jdbc.sql("select count(*) from personal_data_key where subject = ? and wrapped_key is null")
                    .param(registration).query(Long.class).single()).isEqualTo(1);
            String export = api.get("/api/audit/events?user=" + registration).token(admin).send().body();
            assertThat(export).contains("RegistrationSubmitted").contains("[erased]").doesNotContain(email)
                    .doesNotContain("Registrant");
            JsonNode row = await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.get("/api/registrations/" + registration).token(admin).send().json(),
                            r -> "[erased]".equals(r.path("email").asText()));
            assertThat(row.get("username").asText()).isEqualTo("[erased]");
            assertThat(row.get("lastName").asText()).isEqualTo("[erased]");
            assertThat(row.get("status").asText()).isEqualTo("COMPLETED");
            // and the username it reserved is free again
            assertThat(jdbc.sql("select count(*) from registration_organization_lookup where registration_id = ?::uuid"
                    + " and username_key is not null").param(registration).query(Long.class).single()).isZero();
        } finally {
            settings(false);
        }
    }

    private JsonNode registration(String username) {
        for (JsonNode item : api.get("/api/registrations?size=100").token(admin).send().json().get("items")) {
            if (item.get("username").asText().equals(username)) {
                return item;
            }
        }
        return null;
    }

    private void settings(boolean registration) {
        Api.Response changed = api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": %s, "registrationWorkflowEnabled": false}"""
                .formatted(registration)).token(admin).send();
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    }
}
