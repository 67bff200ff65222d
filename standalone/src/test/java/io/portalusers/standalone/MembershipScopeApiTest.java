package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.api.UserId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * R-SEARCH-5: an Org Admin sees of a user only what belongs to its organizations. Dan, a
 * Developer, is a member of A, B and in the end C; Olga administers A, Abe A and B. Olga must
 * not learn Dan's memberships in B and C (their ids nor roles) from any answer; Abe not the
 * one in C. Portal Admins, audit machine clients and Dan himself see all of them.
 *
 * <p>Dan's life, scripted once through the API by the Portal Admin:
 * 0 created in A and B as Developer; 1 made Org Admin in B (only B changes); 2 renamed;
 * 3 made Org Publisher in A and added to C.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipScopeApiTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Letters only: a search term that finds Dan and nobody of another test. */
    private final String marker = letters(10);
    private String orgA;
    private String orgB;
    private String orgC;
    private String dan;
    private String olga;
    private String abe;
    private String danToken;
    private String machine;
    private Instant orgAdminInB;

    private static void ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isIn(200, 201);
    }

    @BeforeAll
    void dansLife() throws Exception {
        connect();
        orgA = organization();
        orgB = organization();
        orgC = organization();
        olga = tokenFor(UserId.of(user("Olga", "Owner", "olga-" + letters(10) + "@example.com", "ORG_ADMIN",
                orgA, "ORG_ADMIN")));
        abe = tokenFor(UserId.of(user("Abe", "Both", "abe-" + letters(10) + "@example.com", "DEVELOPER",
                orgA, "ORG_ADMIN", orgB, "ORG_ADMIN")));
        dan = user("Dan", marker, marker + "@example.com", "DEVELOPER", orgA, "DEVELOPER", orgB, "DEVELOPER");
        danToken = tokenFor(UserId.of(dan));
        ok(memberships(orgA, "DEVELOPER", orgB, "ORG_ADMIN"));
        Thread.sleep(3);
        orgAdminInB = Instant.now();
        Thread.sleep(3);
        ok(api.patch("/api/users/" + dan, """
                {"firstName": "Daniel", "lastName": "%s"}""".formatted(marker)).token(admin).send());
        ok(memberships(orgA, "ORG_PUBLISHER", orgB, "ORG_ADMIN", orgC, "DEVELOPER"));
        machine = api.get("/api/dev/token?client=reporting&scope=audit:read").send().json().get("token").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/users/" + dan).token(admin).send(),
                r -> r.status() == 200 && r.json().get("version").asLong() == 3);
    }

    private Api.Response memberships(String... organizationAndRole) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < organizationAndRole.length; i += 2) {
            list.add(membership(organizationAndRole[i], organizationAndRole[i + 1]));
        }
        return api.put("/api/users/" + dan + "/memberships", """
                {"memberships": [%s]}""".formatted(String.join(",", list))).token(admin).send();
    }

    private static String membership(String organization, String role) {
        return """
                {"organizationId": "%s", "role": "%s"}""".formatted(organization, role);
    }

    /** The memberships as a JSON array in the users view's order (by the organization id's text). */
    private static JsonNode list(String... organizationAndRole) throws Exception {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < organizationAndRole.length; i += 2) {
            pairs.add(membership(organizationAndRole[i], organizationAndRole[i + 1]));
        }
        pairs.sort(null);
        return JSON.readTree("[" + String.join(",", pairs) + "]");
    }

    private static JsonNode changes(JsonNode added, JsonNode removed) {
        return JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("added", added)
                .set("removed", removed);
    }

    private Api.Response get(String path, String token) {
        Api.Response response = api.get(path).token(token).send();
        assertThat(response.status()).as(path + ": " + response).isEqualTo(200);
        return response;
    }

    /** The item of Dan in a list of users. */
    private JsonNode itemOfDan(JsonNode items) {
        for (JsonNode item : items) {
            if (item.get("id").asText().equals(dan)) {
                return item;
            }
        }
        throw new AssertionError("Dan is not among " + items);
    }

    private List<JsonNode> lines(String body) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private List<JsonNode> exportedOfDan(List<JsonNode> lines) {
        return lines.stream().filter(line -> line.get("aggregateId").asText().equals(dan)).toList();
    }

    @Test
    void R_SEARCH_5_an_org_admin_reads_of_a_user_only_its_memberships_in_its_organizations() throws Exception {
        Api.Response olgas = get("/api/users/" + dan, olga);
        Api.Response abes = get("/api/users/" + dan, abe);
        Api.Response admins = get("/api/users/" + dan, admin);
        Api.Response own = get("/api/users/" + dan, danToken);

        assertThat(olgas.json().get("memberships")).isEqualTo(list(orgA, "ORG_PUBLISHER"));
        assertThat(olgas.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(abes.json().get("memberships")).isEqualTo(list(orgA, "ORG_PUBLISHER", orgB, "ORG_ADMIN"));
        JsonNode all = list(orgA, "ORG_PUBLISHER", orgB, "ORG_ADMIN", orgC, "DEVELOPER");
        assertThat(admins.json().get("memberships")).isEqualTo(all);
        assertThat(own.json().get("memberships")).isEqualTo(all);
        assertThat(olgas.header("ETag")).isEqualTo(admins.header("ETag"));
    }

    @Test
    void R_SEARCH_5_search_items_leave_out_memberships_in_other_organizations() throws Exception {
        Api.Response olgas = get("/api/users?name=" + marker, olga);
        Api.Response admins = get("/api/users?name=" + marker, admin);

        assertThat(itemOfDan(olgas.json().get("items")).get("memberships")).isEqualTo(list(orgA, "ORG_PUBLISHER"));
        assertThat(olgas.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(itemOfDan(admins.json().get("items")).get("memberships"))
                .isEqualTo(list(orgA, "ORG_PUBLISHER", orgB, "ORG_ADMIN", orgC, "DEVELOPER"));
    }

    @Test
    void R_SEARCH_5_a_search_by_role_matches_only_the_roles_held_in_the_readers_organizations() {
        List<String> olgaFindsOrgAdmins = new ArrayList<>();
        get("/api/users?role=ORG_ADMIN&name=" + marker, olga).json().get("items")
                .forEach(item -> olgaFindsOrgAdmins.add(item.get("id").asText()));
        JsonNode olgaFindsOrgPublishers = get("/api/users?role=ORG_PUBLISHER&name=" + marker, olga).json();
        JsonNode abeFindsOrgAdmins = get("/api/users?role=ORG_ADMIN&name=" + marker, abe).json();
        JsonNode adminFindsOrgAdmins = get("/api/users?role=ORG_ADMIN&name=" + marker, admin).json();

        assertThat(olgaFindsOrgAdmins).as("Dan is Org Admin in B only").isEmpty();
        assertThat(itemOfDan(olgaFindsOrgPublishers.get("items"))).isNotNull();
        assertThat(abeFindsOrgAdmins.get("total").asLong()).isEqualTo(1);
        assertThat(itemOfDan(adminFindsOrgAdmins.get("items"))).isNotNull();
    }

    @Test
    void R_SEARCH_5_typeahead_items_carry_nothing_of_other_organizations() {
        Api.Response olgas = get("/api/users/suggestions?name=" + marker, olga);
        Api.Response admins = get("/api/users/suggestions?name=" + marker, admin);

        assertThat(itemOfDan(olgas.json()).fieldNames()).toIterable()
                .containsExactlyInAnyOrder("id", "fullName", "email", "username");
        assertThat(olgas.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(itemOfDan(admins.json()).get("fullName").asText()).isEqualTo("Daniel " + marker);
    }

    @Test
    void R_SEARCH_5_history_entries_leave_out_memberships_in_other_organizations() throws Exception {
        JsonNode none = JSON.readTree("[]");
        Api.Response olgas = get("/api/users/" + dan + "/history?size=100", olga);
        Api.Response olgasLines = get("/api/users/" + dan + "/history?format=jsonl", olga);
        JsonNode abes = get("/api/users/" + dan + "/history?size=100", abe).json();
        JsonNode admins = get("/api/users/" + dan + "/history?size=100", admin).json();

        // the change in B alone (1) is no entry of Olga's: nothing of it is hers to see
        assertThat(olgas.json().get("items").findValuesAsText("sequenceNumber")).containsExactly("0", "2", "3");
        assertThat(olgas.json().get("total").asLong()).isEqualTo(3);
        assertThat(olgas.json().at("/items/0/memberships")).isEqualTo(changes(list(orgA, "DEVELOPER"), none));
        assertThat(olgas.json().at("/items/2/memberships"))
                .isEqualTo(changes(list(orgA, "ORG_PUBLISHER"), list(orgA, "DEVELOPER")));
        assertThat(olgas.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(lines(olgasLines.body())).containsExactlyElementsOf(olgas.json().get("items"));
        assertThat(abes.get("items").findValuesAsText("sequenceNumber")).containsExactly("0", "1", "2", "3");
        assertThat(abes.at("/items/3/memberships"))
                .isEqualTo(changes(list(orgA, "ORG_PUBLISHER"), list(orgA, "DEVELOPER")));
        assertThat(abes.toString()).doesNotContain(orgC);
        assertThat(admins.get("items").findValuesAsText("sequenceNumber")).containsExactly("0", "1", "2", "3");
        assertThat(admins.at("/items/1/memberships"))
                .isEqualTo(changes(list(orgB, "ORG_ADMIN"), list(orgB, "DEVELOPER")));
        assertThat(admins.at("/items/3/memberships"))
                .isEqualTo(changes(list(orgA, "ORG_PUBLISHER", orgC, "DEVELOPER"), list(orgA, "DEVELOPER")));
    }

    @Test
    void R_SEARCH_5_the_account_at_an_instant_shows_only_memberships_in_the_readers_organizations() throws Exception {
        Instant now = Instant.now();
        JsonNode olgaThen = get("/api/users/" + dan + "?at=" + orgAdminInB, olga).json();
        Api.Response olgaNow = get("/api/users/" + dan + "?at=" + now, olga);
        JsonNode adminThen = get("/api/users/" + dan + "?at=" + orgAdminInB, admin).json();
        JsonNode machineNow = get("/api/users/" + dan + "?at=" + now, machine).json();

        assertThat(olgaThen.get("memberships")).isEqualTo(list(orgA, "DEVELOPER"));
        assertThat(olgaThen.get("version").asLong()).isEqualTo(adminThen.get("version").asLong()).isEqualTo(1);
        assertThat(olgaNow.json().get("memberships")).isEqualTo(list(orgA, "ORG_PUBLISHER"));
        assertThat(olgaNow.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(adminThen.get("memberships")).isEqualTo(list(orgA, "DEVELOPER", orgB, "ORG_ADMIN"));
        assertThat(machineNow.get("memberships"))
                .isEqualTo(list(orgA, "ORG_PUBLISHER", orgB, "ORG_ADMIN", orgC, "DEVELOPER"));
    }

    @Test
    void R_SEARCH_5_an_org_admins_export_as_json_lines_leaves_out_memberships_in_other_organizations() throws Exception {
        Api.Response olgas = get("/api/audit/events?organization=" + orgA, olga);
        List<JsonNode> admins = exportedOfDan(lines(get("/api/audit/events?organization=" + orgA, admin).body()));

        List<JsonNode> olgasOfDan = exportedOfDan(lines(olgas.body()));
        assertThat(olgasOfDan).extracting(line -> line.get("sequenceNumber").asLong()).containsExactly(0L, 2L, 3L);
        assertThat(olgasOfDan.get(0).at("/payload/memberships")).isEqualTo(list(orgA, "DEVELOPER"));
        assertThat(olgasOfDan.get(2).at("/payload/memberships")).isEqualTo(list(orgA, "ORG_PUBLISHER"));
        // nor of anyone else in the export (Abe is Org Admin of B too)
        assertThat(olgas.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(admins).extracting(line -> line.get("sequenceNumber").asLong()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(admins.get(3).at("/payload/memberships").toString()).contains(orgB, orgC);
    }

    @Test
    void R_SEARCH_5_an_org_admins_export_as_csv_leaves_out_memberships_in_other_organizations() {
        Api.Response olgas = get("/api/audit/events?format=csv&organization=" + orgA, olga);
        Api.Response admins = get("/api/audit/events?format=csv&organization=" + orgA, admin);

        List<String> olgasOfDan = olgas.body().lines().filter(row -> row.contains(dan)).toList();
        assertThat(olgasOfDan).hasSize(3);
        assertThat(olgasOfDan.get(0)).contains(orgA);
        assertThat(olgas.body()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(admins.body().lines().filter(row -> row.contains(dan))).hasSize(4);
        assertThat(admins.body()).contains(orgB, orgC);
    }

    @Test
    void R_SEARCH_5_the_command_audit_names_only_the_readers_organizations() {
        JsonNode olgas = get("/api/audit/commands?target=" + dan, olga).json();
        JsonNode admins = get("/api/audit/commands?target=" + dan, admin).json();

        assertThat(olgas.get("total").asLong()).isEqualTo(admins.get("total").asLong()).isGreaterThanOrEqualTo(3);
        olgas.get("items").forEach(record -> assertThat(record.get("organizations"))
                .allSatisfy(organization -> assertThat(organization.asText()).isEqualTo(orgA)));
        assertThat(olgas.toString()).doesNotContain(orgB).doesNotContain(orgC);
        assertThat(admins.toString()).contains(orgB, orgC);
    }
}
