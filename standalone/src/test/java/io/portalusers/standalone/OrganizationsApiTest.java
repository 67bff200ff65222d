package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OrganizationsApiTest extends ApiTest {

    private String unique(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private Api.Response create(String token, String name, String plan) {
        return api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "%s"}""".formatted(name, plan)).token(token).send();
    }

    private JsonNode awaitOrganization(String id) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> api.get("/api/organizations/" + id).token(admin).send(),
                response -> response.status() == 200).json();
    }

    @Test
    void R_ORG_1_an_organization_created_by_a_portal_admin_is_visible_on_the_query_side() {
        String name = unique("Acme");
        Api.Response created = create(admin, name, "Gold");

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).contains("/api/organizations/" + id);
        assertThat(created.header("ETag")).contains("\"0\"");
        JsonNode view = awaitOrganization(id);
        assertThat(view.get("name").asText()).isEqualTo(name);
        assertThat(view.get("accountPlan").asText()).isEqualTo("Gold");
    }

    @Test
    void R_ORG_1_a_name_taken_in_another_case_is_refused_and_appends_nothing() {
        String name = unique("Globex");
        assertThat(create(admin, name, "Gold").status()).isEqualTo(201);
        long events = eventCount();

        Api.Response again = create(admin, name.toUpperCase(Locale.ROOT), "Silver");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(again.json().get("code").asText()).isEqualTo("R-ORG-1");
        assertThat(again.json().at("/errors/0/field").asText()).isEqualTo("name");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void R_ORG_1_twenty_concurrent_creates_of_one_name_make_exactly_one_organization() throws Exception {
        String name = unique("Initech");
        int callers = 20;
        List<Integer> statuses = concurrently(callers,
                i -> create(admin, i % 2 == 0 ? name : name.toLowerCase(Locale.ROOT), "Gold").status());

        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(callers - 1);
        long stored = jdbc.sql("""
                        select count(*) from domainevententry
                        where payloadtype = 'io.portalusers.api.organization.OrganizationCreated'
                          and lower(convert_from(payload, 'UTF8')::jsonb ->> 'name') = lower(?)""")
                .param(name).query(Long.class).single();
        assertThat(stored).isEqualTo(1);
    }

    @Test
    void R_ORG_1_only_a_portal_admin_manages_organizations() {
        UserId apiOwner = givenUser(Role.API_OWNER);
        long events = eventCount();

        Api.Response refused = create(tokenFor(apiOwner), unique("Umbrella"), "Gold");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-ORG-1");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void the_account_plan_changes_with_the_version_read_and_a_stale_version_is_a_conflict() {
        String id = create(admin, unique("Hooli"), "Gold").json().get("id").asText();

        Api.Response changed = api.put("/api/organizations/" + id + "/plan", """
                {"accountPlan": "Platinum"}""").token(admin).header("If-Match", "\"0\"").send();
        Api.Response stale = api.put("/api/organizations/" + id + "/plan", """
                {"accountPlan": "Bronze"}""").token(admin).header("If-Match", "\"0\"").send();

        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag")).contains("\"1\"");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("code").asText()).isEqualTo("stale-version");
        assertThat(eventCount(id)).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(
                () -> awaitOrganization(id).get("accountPlan").asText().equals("Platinum"));
    }

    @Test
    void changing_the_plan_of_an_unknown_organization_is_not_found() {
        Api.Response response = api.put("/api/organizations/" + UUID.randomUUID() + "/plan", """
                {"accountPlan": "Gold"}""").token(admin).send();

        assertThat(response.status()).isEqualTo(404);
    }

    @Test
    void members_see_only_their_organizations_and_admins_see_all() {
        String mine = create(admin, unique("Mine"), "Gold").json().get("id").asText();
        String other = create(admin, unique("Other"), "Gold").json().get("id").asText();
        awaitOrganization(mine);
        awaitOrganization(other);
        UserId developer = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(mine), Role.DEVELOPER));
        String token = tokenFor(developer);

        JsonNode listed = api.get("/api/organizations?size=100").token(token).send().json();

        assertThat(listed.get("total").asLong()).isEqualTo(1);
        assertThat(listed.at("/items/0/id").asText()).isEqualTo(mine);
        assertThat(api.get("/api/organizations/" + other).token(token).send().status()).isEqualTo(404);
        assertThat(api.get("/api/organizations?size=1").token(admin).send().json().get("total").asLong())
                .isGreaterThanOrEqualTo(2);
    }

    private List<String> listed(String token, String query) {
        Api.Response response = api.get("/api/organizations?size=100&" + query).token(token).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("items").findValuesAsText("id");
    }

    @Test
    void the_list_finds_organizations_by_a_part_of_their_name_and_by_their_ids_among_those_the_reader_sees() {
        String tag = letters(8);
        String labs = create(admin, "Acme " + tag + " Labs", "Gold").json().get("id").asText();
        String works = create(admin, "Zeta " + tag.toUpperCase(Locale.ROOT) + " Works", "Silver").json().get("id").asText();
        String other = create(admin, unique("Other"), "Gold").json().get("id").asText();
        List.of(labs, works, other).forEach(this::awaitOrganization);
        String part = tag.substring(1, 6).toUpperCase(Locale.ROOT);

        assertThat(listed(admin, "name=" + part)).as("case-insensitive, anywhere in the name, in name order")
                .containsExactly(labs, works);
        assertThat(listed(admin, "name=" + tag + "%20labs")).containsExactly(labs);
        assertThat(listed(admin, "name=%25" + part)).as("a wildcard is a literal character").isEmpty();
        assertThat(listed(admin, "id=" + other + "&id=" + labs)).containsExactlyInAnyOrder(labs, other);
        assertThat(listed(admin, "id=" + other + "&id=" + labs + "&name=%20")).as("a blank part: any name")
                .containsExactlyInAnyOrder(labs, other);
        assertThat(listed(admin, "id=" + other + "&id=" + labs + "&name=" + part)).containsExactly(labs);

        String member = tokenFor(givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(labs), Role.DEVELOPER)));
        assertThat(listed(member, "name=" + part)).as("only the reader's own").containsExactly(labs);
        assertThat(listed(member, "id=" + works + "&id=" + labs)).containsExactly(labs);

        for (String bad : List.of("id=" + labs + "&id=not-an-id", "name=" + "a".repeat(101), "id=" + String.join("&id=",
                java.util.Collections.nCopies(101, labs)))) {
            Api.Response refused = api.get("/api/organizations?" + bad).token(admin).send();
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().at("/errors/0/field").asText()).isIn("id", "name");
        }
    }

    @Test
    void lists_are_paged_with_a_bounded_size() {
        assertThat(api.get("/api/organizations?size=101").token(admin).send().status()).isEqualTo(400);
        assertThat(api.get("/api/organizations?page=-1").token(admin).send().status()).isEqualTo(400);
        // two organizations at least, so that a page of one is full and a second page exists
        awaitOrganization(create(admin, unique("Paged"), "Gold").json().get("id").asText());
        awaitOrganization(create(admin, unique("Paged"), "Gold").json().get("id").asText());
        JsonNode page = api.get("/api/organizations?page=0&size=1").token(admin).send().json();
        JsonNode next = api.get("/api/organizations?page=1&size=1").token(admin).send().json();
        assertThat(page.get("size").asInt()).isEqualTo(1);
        assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(page.get("items").size()).isEqualTo(1);
        assertThat(next.get("items").size()).isEqualTo(1);
    }
}
