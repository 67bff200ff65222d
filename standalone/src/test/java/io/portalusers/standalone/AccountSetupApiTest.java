package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserActivated;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invitations and the account setup form through HTTP: R-ADD-7, R-ACT-1, R-ACT-2, R-ACT-3 (no
 * raw token or password outside their tables), R-ACT-4, R-STATE-1; racing submissions of one
 * link activate once; following a link consumes nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccountSetupApiTest extends ApiTest {

    private static final String SETUP = "/api/account-setup/";
    private static final String PASSWORD_PREFIX = "Correct-Horse-";
    private static final int C3_ROUNDS = Integer.getInteger("c3.rounds", 10);
    /** Every raw token and password this class used: none may appear outside their own tables. */
    private static final SecretsInLog LOGGED = new SecretsInLog();


    @AfterEach
    void keepLog(CapturedOutput output) {
        LOGGED.keep(output);
    }

    @AfterAll
    static void T2_no_raw_token_or_password_is_in_the_log_of_any_test_of_this_class() {
        LOGGED.assertNoneLogged();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String password() {
        String password = PASSWORD_PREFIX + unique();
        LOGGED.secret(password);
        return password;
    }

    private record Created(String id, String username, String version) {
    }


    private Created createDeveloper(boolean notify) {
        String username = "setup-" + unique();
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s@example.com", "firstName": "Ada", "lastName": "Lovelace",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": %s}"""
                .formatted(username, username, organization(), notify)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        addresses.put(created.json().get("id").asText(), username + "@example.com");
        return new Created(created.json().get("id").asText(), username, created.header("ETag").orElseThrow());
    }

    /** Each created user's address, and how many activation emails it has received so far, as read here. */
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final Map<String, Integer> emailsRead = new ConcurrentHashMap<>();

    /** The token of the user's next activation email, as the notifier sent it. */
    private String tokenOf(String userId) {
        String email = addresses.get(userId);
        int next = emailsRead.merge(userId, 1, Integer::sum);
        String token = MAIL.awaitToken(email, next);
        LOGGED.secret(token);
        return token;
    }

    private Api.Response form(String token) {
        return api.get(SETUP + token).send();
    }

    private Api.Response complete(String token, String password) {
        return api.post(SETUP + token, """
                {"password": "%s"}""".formatted(password)).send();
    }

    private JsonNode awaitView(String userId, Predicate<JsonNode> until) {
        List<JsonNode> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Api.Response response = api.get("/api/users/" + userId).token(admin).send();
            seen.add(0, response.status() == 200 ? response.json() : null);
            return seen.get(0) != null && until.test(seen.get(0));
        });
        return seen.get(0);
    }

    private long activations(String userId) {
        return jdbc.sql("select count(*) from domainevententry where aggregateidentifier = ? and payloadtype = ?")
                .params(userId, UserActivated.class.getName()).query(Long.class).single();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertInvalid(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("invalid-invitation");
    }

    @Test
    void T3_R_ACT_4_following_the_link_consumes_nothing_and_completing_the_form_activates_once() {
        Created user = createDeveloper(true);
        String token = tokenOf(user.id());
        assertThat(token).matches("[A-Za-z0-9_-]{43}");

        for (int i = 0; i < 10; i++) {
            Api.Response form = form(token);
            assertThat(form.status()).as(form.body()).isEqualTo(200);
            assertThat(form.json().get("username").asText()).isEqualTo(user.username());
            assertThat(form.json().get("firstName").asText()).isEqualTo("Ada");
            assertThat(form.json().get("lastName").asText()).isEqualTo("Lovelace");
        }
        assertThat(awaitView(user.id(), v -> v.path("invitation").path("status").asText().equals("ISSUED"))
                .get("activation").asText()).isEqualTo("PENDING");

        Api.Response done = complete(token, password());
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("activation").asText()).isEqualTo("ACTIVE");

        JsonNode view = awaitView(user.id(), v -> v.get("activation").asText().equals("ACTIVE"));
        assertThat(view.at("/invitation/status").asText()).isEqualTo("USED");
        assertThat(activations(user.id())).isEqualTo(1);
        assertThat(jdbc.sql("select password_hash from credential where user_id = ?::uuid").param(user.id())
                .query(String.class).single()).startsWith("$argon2id$");
        assertInvalid(form(token));
        assertInvalid(complete(token, password()));
        assertThat(activations(user.id())).isEqualTo(1);
    }

    @Test
    void R_AUD_1_the_holder_of_the_link_activates_as_the_user_and_the_history_says_from_where() {
        Created user = createDeveloper(true);

        assertThat(complete(tokenOf(user.id()), password()).status()).isEqualTo(200);

        JsonNode history = api.get("/api/users/" + user.id() + "/history").token(admin).send().json();
        JsonNode activated = history.get("items").get(history.get("items").size() - 1);
        assertThat(activated.get("type").asText()).isEqualTo("User activated");
        assertThat(activated.at("/actor/id").asText()).isEqualTo(user.id());
        assertThat(activated.at("/actor/name").asText()).isEqualTo("Ada Lovelace");
        assertThat(activated.get("sourceAddress").asText()).isEqualTo("127.0.0.1");
        // what an admin did carries no address: the admin is named
        assertThat(history.get("items").get(0).has("sourceAddress")).isFalse();
    }

    @Test
    void R_ADD_7_without_notify_there_is_no_link_until_the_admin_resends_it() {
        Created user = createDeveloper(false);
        assertThat(user.version()).isEqualTo("\"0\"");
        assertThat(jdbc.sql("select count(*) from invitation_outbox where user_id = ?::uuid").param(user.id())
                .query(Long.class).single()).isZero();

        Api.Response resent = api.post("/api/users/" + user.id() + "/activation-email", "").token(admin).send();

        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        assertThat(form(tokenOf(user.id())).status()).isEqualTo(200);
    }

    @Test
    void R_ADD_7_an_org_admin_of_the_users_organization_resends_and_a_developer_does_not() {
        Created user = createDeveloper(true);
        String org = jdbc.sql("select organization_id::text from actor_membership where user_id = ?::uuid")
                .param(user.id()).query(String.class).single();
        UserId orgAdmin = givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(org), Role.ORG_ADMIN));
        UserId developer = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(org), Role.DEVELOPER));
        long events = eventCount(user.id());

        Api.Response refused = api.post("/api/users/" + user.id() + "/activation-email", "")
                .token(tokenFor(developer)).send();
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-EDIT-4");
        assertThat(eventCount(user.id())).isEqualTo(events);

        Api.Response resent = api.post("/api/users/" + user.id() + "/activation-email", "")
                .token(tokenFor(orgAdmin)).send();
        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        assertThat(resent.header("ETag")).contains("\"" + (events) + "\"");
        assertThat(eventCount(user.id())).isEqualTo(events + 1);
    }

    @Test
    void R_ACT_2_a_resend_voids_the_earlier_link() {
        Created user = createDeveloper(true);
        String first = tokenOf(user.id());

        Api.Response resent = api.post("/api/users/" + user.id() + "/activation-email", "").token(admin).send();

        assertThat(resent.status()).as(resent.body()).isEqualTo(200);
        String second = tokenOf(user.id());
        assertThat(second).isNotEqualTo(first);
        assertInvalid(form(first));
        assertInvalid(complete(first, password()));
        assertThat(form(second).status()).isEqualTo(200);
        assertThat(complete(second, password()).status()).isEqualTo(200);
    }

    @Test
    void R_ACT_2_an_email_change_voids_the_link() {
        Created user = createDeveloper(true);
        String token = tokenOf(user.id());

        Api.Response changed = api.patch("/api/users/" + user.id(), """
                {"email": "moved-%s@example.com"}""".formatted(unique())).token(admin).header("If-Match", user.version()).send();

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertInvalid(form(token));
        assertInvalid(complete(token, password()));
        assertThat(awaitView(user.id(), v -> v.at("/invitation/status").asText().equals("REVOKED"))
                .get("activation").asText()).isEqualTo("PENDING");
    }

    @Test
    void R_ACT_4_R_STATE_1_a_disabled_user_cannot_activate_not_even_once_enabled_again() {
        Created user = createDeveloper(true);
        String token = tokenOf(user.id());

        assertThat(api.post("/api/users/" + user.id() + "/disable", "").token(admin).send().status()).isEqualTo(200);
        assertInvalid(complete(token, password()));
        assertThat(api.post("/api/users/" + user.id() + "/enable", "").token(admin).send().status()).isEqualTo(200);
        assertInvalid(form(token));
        assertInvalid(complete(token, password()));
        assertThat(activations(user.id())).isZero();
    }

    @Test
    void R_ACT_2_a_link_past_its_deadline_is_refused_on_use() {
        Created user = createDeveloper(true);
        String token = tokenOf(user.id());
        assertThat(form(token).status()).isEqualTo(200);

        // the deadline moves into the past, as 72 h would take it there
        jdbc.sql("update invitation_lookup set expires_at = now() - interval '1 second' where user_id = ?::uuid")
                .param(user.id()).update();

        assertInvalid(form(token));
        assertInvalid(complete(token, password()));
        assertThat(activations(user.id())).isZero();
    }

    @Test
    void R_ACT_2_used_superseded_expired_forged_and_malformed_links_get_one_and_the_same_answer() {
        Created used = createDeveloper(true);
        String usedToken = tokenOf(used.id());
        assertThat(complete(usedToken, password()).status()).isEqualTo(200);
        Created superseded = createDeveloper(true);
        String supersededToken = tokenOf(superseded.id());
        api.post("/api/users/" + superseded.id() + "/activation-email", "").token(admin).send();
        Created expired = createDeveloper(true);
        String expiredToken = tokenOf(expired.id());
        jdbc.sql("update invitation_lookup set expires_at = now() - interval '1 second' where user_id = ?::uuid")
                .param(expired.id()).update();
        String forged = usedToken.substring(0, 42) + (usedToken.endsWith("A") ? "B" : "A");

        List<String> answers = new ArrayList<>();
        for (String token : List.of(usedToken, supersededToken, expiredToken, forged, "not-a-token", "x".repeat(300))) {
            for (Api.Call call : List.of(api.get(SETUP + token), api.post(SETUP + token, """
                    {"password": "%s"}""".formatted(password())))) {
                Api.Response response = call.header("X-Correlation-Id", "same-answer").send();
                answers.add(response.status() + " " + response.contentType() + " " + response.body());
            }
        }
        assertThat(answers).hasSize(12);
        assertThat(Set.copyOf(answers)).hasSize(1);
        assertThat(answers.get(0)).startsWith("404 application/problem+json").contains("\"invalid-invitation\"");
    }

    @Test
    void the_password_policy_refuses_short_common_and_username_passwords_and_keeps_the_link_valid() {
        Created user = createDeveloper(true);
        String token = tokenOf(user.id());

        for (String weak : List.of("short-1", "x".repeat(129), "Password1234", "my-" + user.username() + "-pw")) {
            Api.Response refused = complete(token, weak);
            assertThat(refused.status()).as(weak + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.json().at("/errors/0/field").asText()).isEqualTo("password");
            assertThat(refused.body()).doesNotContain(weak);
        }
        assertThat(form(token).status()).isEqualTo(200);
        assertThat(complete(token, password()).status()).isEqualTo(200);
    }

    @Test
    void C3_twenty_parallel_posts_of_one_token_activate_exactly_once() throws Exception {
        for (int round = 0; round < C3_ROUNDS; round++) {
            Created user = createDeveloper(true);
            String token = tokenOf(user.id());
            String password = password();

            List<Integer> statuses = concurrently(20, i -> complete(token, password).status());

            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 404).hasSize(19);
            assertThat(activations(user.id())).isEqualTo(1);
        }
    }

    @Test
    void T2_no_raw_token_password_or_hash_is_in_the_event_log_the_read_models_or_the_log(CapturedOutput output) {
        Created user = createDeveloper(true);
        tokenOf(user.id());
        api.post("/api/users/" + user.id() + "/activation-email", "").token(admin).send();
        String token = tokenOf(user.id());
        complete(token, "short");
        assertThat(complete(token, password()).status()).isEqualTo(200);
        assertThat(api.post("/api/users/" + user.id() + "/activation-email", "").token(admin).send().status())
                .as("active: refused, and the refusal logged").isEqualTo(422);
        awaitView(user.id(), v -> v.get("activation").asText().equals("ACTIVE"));
        String hash = jdbc.sql("select password_hash from credential where user_id = ?::uuid").param(user.id())
                .query(String.class).single();

        List<String> tables = jdbc.sql("""
                        select table_name from information_schema.tables
                        where table_schema = current_schema() and table_type = 'BASE TABLE'
                          and table_name not in ('invitation_outbox', 'credential')""")
                .query(String.class).list();
        assertThat(tables).contains("domainevententry", "user_view", "invitation_lookup");
        // the scan finds what is there: the hash in its own table, and a bytea column by its hex form
        assertThat(jdbc.sql("select count(*) from credential t where position(? in t::text) > 0")
                .param(hash).query(Long.class).single()).isEqualTo(1);
        String tokenHashHex = HexFormat.of().formatHex(sha256(token));
        assertThat(jdbc.sql("select count(*) from invitation_lookup t where position(? in t::text) > 0")
                .param(tokenHashHex).query(Long.class).single()).isEqualTo(1);
        List<String> secrets = new ArrayList<>(LOGGED.secrets());
        secrets.add(hash);
        secrets.add("$argon2");
        assertStoredNowhere(secrets, tables);
        for (String secret : secrets) {
            assertThat(output.getAll()).doesNotContain(secret);
        }
        // the log was captured: a refusal is logged with its rule
        assertThat(output.getAll()).contains("Refused by R-ADD-7");
    }
}
