package io.portalusers.standalone;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The user commands through HTTP, on the real event store and lookups. */
class UsersApiTest extends ApiTest {

    /**
     * 50 parallel creates with one email must give exactly one user, round after round; 100
     * rounds are the full check, the default keeps the suite fast: -Dc1.rounds=100 runs them all.
     */
    private static final int C1_ROUNDS = Integer.getInteger("c1.rounds", 10);

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private Api.Response createDeveloper(String token, String username, String email, String organization) {
        return api.post("/api/users", """
                {"username": "%s", "email": "%s", "firstName": "Robert", "lastName": "Smith",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                .formatted(username, email, organization)).token(token).send();
    }

    @Test
    void R_ADD_1_a_created_user_can_act_at_once_with_the_roles_it_was_given() {
        String org = organization();
        Api.Response created = api.post("/api/users", """
                {"username": "owner-%s", "email": "owner-%s@example.com", "firstName": "Olga", "lastName": "Owner",
                 "role": "ORG_ADMIN", "memberships": [{"organizationId": "%s", "role": "ORG_ADMIN"}], "notify": false}"""
                .formatted(unique(), unique(), org)).token(admin).send();

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String orgAdmin = tokenFor(UserId.of(created.json().get("id").asText()));
        Api.Response added = createDeveloper(orgAdmin, "dev-" + unique(), "dev-" + unique() + "@example.com", org);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(createDeveloper(orgAdmin, "dev-" + unique(), "dev-" + unique() + "@example.com", organization()).json()
                .get("code").asText()).isEqualTo("R-ADD-3");
    }

    @Test
    void R_ADD_6_usernames_and_emails_are_unique_whatever_their_case_and_unicode_form() {
        String org = organization();
        String suffix = unique();
        String username = "J\u00f6rg-" + suffix;
        String email = "j\u00f6rg." + suffix + "@Example.com";
        assertThat(createDeveloper(admin, username, email, org).status()).isEqualTo(201);
        long events = eventCount();

        String nfdUpper = Normalizer.normalize(username.toUpperCase(Locale.ROOT), Normalizer.Form.NFD);
        Api.Response sameUsername = createDeveloper(admin, nfdUpper, "other-" + suffix + "@example.com", org);
        Api.Response sameEmail = createDeveloper(admin, "other-" + suffix,
                Normalizer.normalize(email.toUpperCase(Locale.ROOT), Normalizer.Form.NFD), org);

        assertThat(sameUsername.status()).isEqualTo(409);
        assertThat(sameUsername.json().get("code").asText()).isEqualTo("R-ADD-6");
        assertThat(sameUsername.json().at("/errors/0/field").asText()).isEqualTo("username");
        assertThat(sameEmail.status()).isEqualTo(409);
        assertThat(sameEmail.json().at("/errors/0/field").asText()).isEqualTo("email");
        Api.Response both = createDeveloper(admin, nfdUpper, email, org);
        assertThat(both.status()).isEqualTo(409);
        assertThat(both.json().at("/errors/0/field").asText()).as("the username is checked first").isEqualTo("username");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void R_ADD_6_an_email_change_to_an_address_in_use_is_refused() {
        String org = organization();
        String taken = "taken-" + unique() + "@example.com";
        createDeveloper(admin, "first-" + unique(), taken, org);
        String second = createDeveloper(admin, "second-" + unique(), "free-" + unique() + "@example.com", org)
                .json().get("id").asText();
        long events = eventCount(second);

        Api.Response changed = api.patch("/api/users/" + second, """
                {"email": "%s"}""".formatted(taken.toUpperCase(Locale.ROOT))).token(admin).send();

        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.json().get("code").asText()).isEqualTo("R-ADD-6");
        assertThat(eventCount(second)).isEqualTo(events);
    }

    @Test
    void C1_fifty_parallel_creates_with_one_email_make_exactly_one_user_each_round() throws Exception {
        String org = organization();
        for (int round = 0; round < C1_ROUNDS; round++) {
            String local = "r\u00e9sum\u00e9." + unique();
            List<String> variants = List.of(local + "@example.com", local.toUpperCase(Locale.ROOT) + "@EXAMPLE.com",
                    Normalizer.normalize(local, Normalizer.Form.NFD) + "@example.com");
            List<Integer> statuses = concurrently(50,
                    i -> createDeveloper(admin, "c1-" + unique(), variants.get(i % variants.size()), org).status());

            assertThat(statuses).as("round %d", round).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).as("round %d", round).filteredOn(s -> s == 409).hasSize(49);
            assertThat(jdbc.sql("select count(*) from email_lookup where email_key = lower(?)")
                    .param(Normalizer.normalize(local, Normalizer.Form.NFC) + "@example.com").query(Long.class).single())
                    .isEqualTo(1);
        }
    }

    @Test
    void C2_parallel_edits_with_stale_versions_apply_or_conflict_and_leave_a_contiguous_history() throws Exception {
        String org = organization();
        Api.Response created = createDeveloper(admin, "c2-" + unique(), "c2-" + unique() + "@example.com", org);
        String user = created.json().get("id").asText();
        String version = created.header("ETag").orElseThrow();

        List<Integer> statuses = concurrently(20, i -> {
            Api.Call call = switch (i % 3) {
                case 0 -> api.patch("/api/users/" + user, """
                        {"firstName": "Name%d", "lastName": "Smith"}""".formatted(i));
                case 1 -> api.post("/api/users/" + user + "/disable", "");
                default -> api.post("/api/users/" + user + "/enable", "");
            };
            return call.token(admin).header("If-Match", version).send().status();
        });

        assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(200, 409));
        List<Long> sequence = jdbc.sql("select sequencenumber from domainevententry where aggregateidentifier = ? order by sequencenumber")
                .param(user).query(Long.class).list();
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(sequence.get(i)).isEqualTo(i);
        }
        String lastState = jdbc.sql("""
                        select payloadtype from domainevententry where aggregateidentifier = ?
                          and payloadtype in ('io.portalusers.api.user.UserEnabled', 'io.portalusers.api.user.UserDisabled',
                                              'io.portalusers.api.user.UserCreated')
                        order by sequencenumber desc limit 1""")
                .param(user).query(String.class).single();
        boolean enabled = jdbc.sql("select enabled from actor where user_id = ?::uuid").param(user).query(Boolean.class).single();
        assertThat(enabled).isEqualTo(!lastState.endsWith("UserDisabled"));
    }

    @Test
    void A2_an_org_admin_escalates_nothing_and_each_attempt_appends_no_event() {
        String org = organization();
        String other = organization();
        UserId orgAdmin = givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(org), Role.ORG_ADMIN));
        String token = tokenFor(orgAdmin);
        String developer = createDeveloper(admin, "a2-" + unique(), "a2-" + unique() + "@example.com", org)
                .json().get("id").asText();
        long events = eventCount();

        List<Api.Response> attempts = List.of(
                api.post("/api/users", """
                        {"username": "pub-%s", "email": "pub-%s@example.com", "firstName": "P", "lastName": "Q",
                         "role": "PORTAL_ADMIN"}""".formatted(unique(), unique())).token(token).send(),
                createDeveloper(token, "x-" + unique(), "x-" + unique() + "@example.com", other),
                api.put("/api/users/" + developer + "/memberships", """
                        {"memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(other)).token(token).send(),
                api.put("/api/users/" + developer + "/memberships", """
                        {"memberships": [{"organizationId": "%s", "role": "ORG_PUBLISHER"}]}""".formatted(org)).token(token).send(),
                api.put("/api/users/" + developer + "/role", """
                        {"role": "API_OWNER"}""").token(token).send(),
                api.patch("/api/users/" + developer, """
                        {"firstName": "A", "lastName": "B", "roles": ["PORTAL_ADMIN"]}""").token(token).send(),
                api.patch("/api/users/" + developer, """
                        {"enabled": false}""").token(token).send(),
                api.post("/api/users", """
                        {"username": "o-%s", "email": "o-%s@example.com", "firstName": "P", "lastName": "Q",
                         "role": "DEVELOPER", "orgId": "%s",
                         "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                        .formatted(unique(), unique(), other, org)).token(token).send());

        assertThat(attempts).extracting(Api.Response::status).containsExactly(403, 403, 403, 403, 403, 400, 400, 400);
        assertThat(attempts.subList(0, 5)).extracting(r -> r.json().get("code").asText())
                .containsExactly("R-ADD-3", "R-ADD-3", "R-EDIT-4", "R-EDIT-4", "R-EDIT-4");
        assertThat(attempts.subList(5, 8)).extracting(r -> r.json().get("code").asText()).containsOnly("unknown-field");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void R_STATE_1_a_disabled_user_signs_in_no_more() {
        UserId other = givenUser(Role.PORTAL_ADMIN);
        assertThat(api.get("/api/settings").token(tokenFor(other)).send().status()).isEqualTo(200);

        Api.Response disabled = api.post("/api/users/" + other + "/disable", "").token(admin).send();

        assertThat(disabled.status()).isEqualTo(200);
        assertThat(api.get("/api/settings").token(tokenFor(other)).send().status()).isEqualTo(401);
    }

    @Test
    void a_repeated_creation_with_the_client_supplied_id_returns_the_first_result() {
        String org = organization();
        String id = UUID.randomUUID().toString();
        String body = """
                {"id": "%s", "username": "same-%s", "email": "same-%s@example.com", "firstName": "Sam", "lastName": "Same",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                .formatted(id, id.substring(0, 8), id.substring(0, 8), org);

        Api.Response first = api.post("/api/users", body).token(admin).send();
        Api.Response again = api.post("/api/users", body).token(admin).send();
        Api.Response other = api.post("/api/users", body.replace("same-" + id.substring(0, 8), "else-" + id.substring(0, 8)))
                .token(admin).send();

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("code").asText()).isEqualTo("already-exists");
        assertThat(eventCount(id)).as("created and invited, once").isEqualTo(2);
    }

    @Test
    void bad_user_input_is_a_400_naming_every_field() {
        Api.Response response = api.post("/api/users", """
                {"username": "a", "email": "not-an-email", "firstName": "", "lastName": "L\\u0000",
                 "role": "KING", "memberships": [{"organizationId": "nope", "role": "DEVELOPER"}]}""")
                .token(admin).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors").findValuesAsText("field"))
                .contains("username", "email", "firstName", "role", "memberships[0].organizationId");
    }
}
