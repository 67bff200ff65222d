package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.UserId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/reports/...} over users created through the API in organizations of each
 * test's own: the figures asserted are those of these organizations, which no other test
 * touches. Reports share the visibility rule of searching (R-SEARCH-4).
 */
class ReportsApiTest extends ApiTest {

    private static final Duration PROJECTION_DELAY = Duration.ofSeconds(10);

    private final List<String> backDated = new ArrayList<>();

    private String organizationOn(String plan) {
        return organization("Report " + letters(12), plan);
    }

    /** A user with the account role {@code role}; {@code memberships} as organization id, role, ... */
    private String member(String role, String... memberships) {
        return user("Report", letters(8), letters(12) + "@reports.example", role, memberships);
    }

    private void disable(String user) {
        Api.Response disabled = api.post("/api/users/" + user + "/disable", "").token(admin).send();
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
    }

    /**
     * Developers of {@code organization} as if created {@code ages} ago. No request creates a
     * user in the past, and an event appended with an old timestamp would make the live
     * processors give up on the gaps before it (past the gap timeout a gap is skipped for good), so the view's creation times
     * are moved back; {@link #restoreCreationTimes} puts them back for the tests that follow.
     */
    private List<String> developersCreatedAgo(String organization, Duration... ages) {
        List<String> developers = new ArrayList<>();
        for (Duration age : ages) {
            developers.add(member("DEVELOPER", organization, "DEVELOPER"));
        }
        await().atMost(PROJECTION_DELAY).until(() -> jdbc.sql("select count(*) from user_view where user_id::text in (:ids)")
                .param("ids", developers).query(Long.class).single() == ages.length);
        for (int i = 0; i < ages.length; i++) {
            jdbc.sql("update user_view set created_at = created_at - make_interval(secs => :age) where user_id = :id::uuid")
                    .param("age", ages[i].toSeconds()).param("id", developers.get(i)).update();
        }
        backDated.addAll(developers);
        return developers;
    }

    @AfterEach
    void restoreCreationTimes() {
        if (!backDated.isEmpty()) {
            // A user created and not changed since has the same creation and update time.
            jdbc.sql("update user_view set created_at = updated_at where user_id::text in (:ids)")
                    .param("ids", backDated).update();
        }
    }

    private Api.Response report(String token, String path) {
        return api.get("/api/reports/" + path).token(token).send();
    }

    private static JsonNode ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    /** users-by-state as "state category role" to its count. */
    private static Map<String, Long> figures(JsonNode usersByState) {
        Map<String, Long> figures = new TreeMap<>();
        usersByState.get("figures").forEach(f -> figures.put(
                f.get("state").asText() + " " + f.get("category").asText() + " " + f.get("accountRole").asText(),
                f.get("users").asLong()));
        return figures;
    }

    private static Map<String, Long> buckets(JsonNode pending) {
        Map<String, Long> buckets = new java.util.LinkedHashMap<>();
        pending.get("buckets").forEach(b -> buckets.put(b.get("age").asText(), b.get("users").asLong()));
        return buckets;
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static String figuresOf(JsonNode organization) {
        return "members=%d orgAdmins=%d orgPublishers=%d developers=%d pending=%d active=%d disabled=%d".formatted(
                organization.get("members").asLong(), organization.get("orgAdmins").asLong(),
                organization.get("orgPublishers").asLong(), organization.get("developers").asLong(),
                organization.get("pending").asLong(), organization.get("active").asLong(),
                organization.get("disabled").asLong());
    }

    @Test
    void users_by_state_counts_users_by_state_category_and_role() {
        String org = organizationOn("Gold");
        member("ORG_ADMIN", org, "ORG_ADMIN");
        member("DEVELOPER", org, "DEVELOPER");
        disable(member("DEVELOPER", org, "DEVELOPER"));
        disable(member("DEVELOPER", org, "DEVELOPER"));
        member("ORG_PUBLISHER", org, "ORG_PUBLISHER");
        member("API_OWNER");
        Map<String, Long> expected = Map.of(
                "disabled ORG_USER DEVELOPER", 2L,
                "pending ORG_USER DEVELOPER", 1L,
                "pending ORG_USER ORG_ADMIN", 1L,
                "pending ORG_USER ORG_PUBLISHER", 1L);

        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            JsonNode scoped = ok(report(admin, "users-by-state?organization=" + org));
            assertThat(figures(scoped)).isEqualTo(expected);
            assertThat(scoped.get("total").asLong()).isEqualTo(5);
        });
        // The API Owner has no organization: the report of every user counts it, on its own time.
        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            JsonNode everyone = ok(report(admin, "users-by-state"));
            Map<String, Long> all = figures(everyone);
            expected.forEach((figure, count) -> assertThat(all.get(figure)).as(figure).isGreaterThanOrEqualTo(count));
            assertThat(all.get("pending GLOBAL_PUBLISHER API_OWNER")).isPositive();
            assertThat(everyone.get("total").asLong()).isEqualTo(all.values().stream().mapToLong(Long::longValue).sum())
                    .isGreaterThanOrEqualTo(6);
        });
    }

    @Test
    void per_organization_figures_count_members_by_their_role_there_and_by_state() {
        String gold = organizationOn("Gold");
        String silver = organizationOn("Silver");
        member("ORG_ADMIN", gold, "ORG_ADMIN");
        member("DEVELOPER", gold, "DEVELOPER");
        disable(member("DEVELOPER", gold, "DEVELOPER"));
        member("ORG_PUBLISHER", gold, "ORG_PUBLISHER");
        member("DEVELOPER", gold, "DEVELOPER", silver, "ORG_ADMIN");

        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            JsonNode page = ok(report(admin, "organizations?organization=" + gold));
            assertThat(page.get("total").asLong()).isEqualTo(1);
            JsonNode figures = page.get("items").get(0);
            assertThat(figures.get("id").asText()).isEqualTo(gold);
            assertThat(figures.get("accountPlan").asText()).isEqualTo("Gold");
            assertThat(figuresOf(figures))
                    .isEqualTo("members=5 orgAdmins=1 orgPublishers=1 developers=3 pending=4 active=0 disabled=1");
        });
        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            JsonNode silverFigures = ok(report(admin, "organizations?organization=" + silver)).get("items").get(0);
            assertThat(silverFigures).isNotNull();
            assertThat(silverFigures.get("accountPlan").asText()).isEqualTo("Silver");
            assertThat(figuresOf(silverFigures))
                    .isEqualTo("members=1 orgAdmins=1 orgPublishers=0 developers=0 pending=1 active=0 disabled=0");
        });
    }

    @Test
    void the_organizations_report_is_paged_in_name_order_over_every_organization() {
        for (String org : List.of(organizationOn("Gold"), organizationOn("Gold"))) {
            await().atMost(PROJECTION_DELAY).untilAsserted(() ->
                    assertThat(ok(report(admin, "organizations?organization=" + org)).get("total").asLong()).isEqualTo(1));
        }
        await().atMost(PROJECTION_DELAY).untilAsserted(() -> assertThat(ok(report(admin, "organizations")).get("total").asLong())
                .isEqualTo(jdbc.sql("select count(*) from organization_view").query(Long.class).single()));

        JsonNode first = ok(report(admin, "organizations?page=0&size=2"));
        assertThat(first.get("items")).hasSize(2);
        JsonNode second = ok(report(admin, "organizations?page=1&size=2"));
        List<String> names = new ArrayList<>();
        first.get("items").forEach(o -> names.add(o.get("name").asText().toLowerCase(java.util.Locale.ROOT)));
        second.get("items").forEach(o -> names.add(o.get("name").asText().toLowerCase(java.util.Locale.ROOT)));
        assertThat(names).isSorted().doesNotHaveDuplicates();
        assertThat(report(admin, "organizations?size=101").status()).isEqualTo(400);
    }

    @Test
    void pending_activations_are_counted_by_age_with_the_oldest_first() {
        String org = organizationOn("Gold");
        List<String> aged = developersCreatedAgo(org, Duration.ofDays(10), Duration.ofDays(5), Duration.ofHours(49),
                Duration.ofHours(25));
        member("DEVELOPER", org, "DEVELOPER");
        disable(member("DEVELOPER", org, "DEVELOPER"));

        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            JsonNode pending = ok(report(admin, "pending-activations?oldest=2&organization=" + org));
            assertThat(buckets(pending)).containsExactly(Map.entry("< 1 day", 1L), Map.entry("1-3 days", 2L),
                    Map.entry("3-7 days", 1L), Map.entry(">= 7 days", 1L));
            assertThat(pending.get("total").asLong()).isEqualTo(5);
            assertThat(ids(pending.get("oldest"))).containsExactly(aged.get(0), aged.get(1));
            assertThat(pending.at("/oldest/0/ageSeconds").asLong())
                    .isBetween(Duration.ofDays(10).toSeconds(), Duration.ofDays(10).plusMinutes(1).toSeconds());
        });
        assertThat(ok(report(admin, "pending-activations?oldest=0&organization=" + org)).get("oldest")).isEmpty();
        assertThat(report(admin, "pending-activations?oldest=101").status()).isEqualTo(400);
    }

    @Test
    void R_SEARCH_4_an_org_admin_reads_the_figures_of_the_organizations_it_administers_only() {
        String administered = organizationOn("Gold");
        String other = organizationOn("Silver");
        String orgAdmin = member("ORG_ADMIN", administered, "ORG_ADMIN");
        member("DEVELOPER", administered, "DEVELOPER", other, "DEVELOPER");
        member("DEVELOPER", other, "DEVELOPER");
        member("ORG_PUBLISHER", other, "ORG_PUBLISHER");
        String olga = tokenFor(UserId.of(orgAdmin));
        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            assertThat(ok(report(admin, "users-by-state?organization=" + other)).get("total").asLong()).isEqualTo(3);
            assertThat(ok(report(admin, "organizations?organization=" + administered)).at("/items/0/members").asLong())
                    .isEqualTo(2);
        });

        JsonNode byState = ok(report(olga, "users-by-state"));
        assertThat(figures(byState)).isEqualTo(Map.of("pending ORG_USER ORG_ADMIN", 1L, "pending ORG_USER DEVELOPER", 1L));
        assertThat(byState.get("total").asLong()).isEqualTo(2);
        assertThat(ok(report(olga, "users-by-state?organization=" + other)).get("total").asLong()).isZero();

        JsonNode organizations = ok(report(olga, "organizations"));
        assertThat(ids(organizations.get("items"))).containsExactly(administered);
        assertThat(organizations.get("total").asLong()).isEqualTo(1);
        assertThat(figuresOf(organizations.get("items").get(0)))
                .isEqualTo("members=2 orgAdmins=1 orgPublishers=0 developers=1 pending=2 active=0 disabled=0");
        assertThat(ok(report(olga, "organizations?organization=" + other)).get("items")).isEmpty();

        JsonNode pending = ok(report(olga, "pending-activations"));
        assertThat(pending.get("total").asLong()).isEqualTo(2);
        assertThat(buckets(pending).get("< 1 day")).isEqualTo(2);
        assertThat(pending.get("oldest")).hasSize(2);
    }

    /** Activation emails per week; an Org Admin reads those of its organizations' users only. */
    @Test
    void R_SEARCH_4_invitations_sent_are_reported_to_an_org_admin_for_its_organizations_only() {
        String administered = organizationOn("Gold");
        String other = organizationOn("Silver");
        String olga = tokenFor(UserId.of(member("ORG_ADMIN", administered, "ORG_ADMIN")));
        List<String> invited = List.of(member("DEVELOPER", administered, "DEVELOPER"),
                member("DEVELOPER", other, "DEVELOPER"));
        for (String user : invited) {
            Api.Response sent = api.post("/api/users/" + user + "/activation-email", "").token(admin).send();
            assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
        }
        // the emails are the notifier's, the memberships that scope them the users view's: both processors
        await().atMost(PROJECTION_DELAY).until(() -> jdbc.sql("select count(*) from mail_outbox where"
                        + " kind = 'ACTIVATION' and status = 'SENT' and user_id::text in (:ids)")
                .param("ids", invited).query(Long.class).single() == 2
                && jdbc.sql("select count(*) from user_membership_view where user_id::text in (:ids)")
                .param("ids", invited).query(Long.class).single() == 2);

        assertThat(invitationTotals(ok(report(olga, "invitations")))).isEqualTo("issued=1 sent=1 failed=0");
        assertThat(invitationTotals(ok(report(olga, "invitations?organization=" + other))))
                .isEqualTo("issued=0 sent=0 failed=0");
        assertThat(invitationTotals(ok(report(admin, "invitations?organization=" + other))))
                .isEqualTo("issued=1 sent=1 failed=0");
        String sentSql = "select count(*) from mail_outbox where kind = 'ACTIVATION' and status = 'SENT'";
        long before = jdbc.sql(sentSql).query(Long.class).single();
        String everyone = invitationTotals(ok(report(admin, "invitations?weeks=520")));
        long reported = Long.parseLong(everyone.replaceAll(".*sent=(\\d+).*", "$1"));
        // other tests' emails may still be going out meanwhile
        assertThat(reported).isBetween(before, jdbc.sql(sentSql).query(Long.class).single());
        Api.Response tooMany = report(admin, "invitations?weeks=521");
        assertThat(tooMany.status()).isEqualTo(400);
    }

    /** The invitations report's weeks summed, as "issued=.. sent=.. failed=..". */
    static String invitationTotals(JsonNode report) {
        long issued = 0;
        long sent = 0;
        long failed = 0;
        for (JsonNode week : report.get("weeks")) {
            issued += week.get("issued").asLong();
            sent += week.get("sent").asLong();
            failed += week.get("failed").asLong();
        }
        return "issued=%d sent=%d failed=%d".formatted(issued, sent, failed);
    }

    @Test
    void R_SEARCH_4_developers_and_org_publishers_read_no_reports() {
        String org = organizationOn("Gold");
        String developer = member("DEVELOPER", org, "DEVELOPER");
        String orgPublisher = member("ORG_PUBLISHER", org, "ORG_PUBLISHER");

        for (String token : List.of(tokenFor(UserId.of(developer)), tokenFor(UserId.of(orgPublisher)))) {
            for (String path : List.of("users-by-state", "organizations", "pending-activations", "invitations",
                    "users-by-state?organization=" + org)) {
                Api.Response refused = report(token, path);
                assertThat(refused.status()).as(path).isEqualTo(403);
                assertThat(refused.json().get("code").asText()).as(path).isEqualTo("R-SEARCH-4");
            }
        }
    }
}
