package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.user.Role;
import io.portalusers.query.projections.ReconciliationMonitor;
import io.portalusers.query.users.SearchHeadsBuilder;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** R-AUD-3: a read model rebuilt from the event log ends identical, twice. */
class ProjectionRebuildApiTest extends ApiTest {

    private static final List<String> PROJECTIONS = List.of("organizations", "users", "settings");

    @Autowired
    private ReconciliationMonitor monitor;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private SearchHeadsBuilder heads;
    @Autowired
    private EventProcessingConfiguration processing;

    private String checksum() {
        return jdbc.sql("""
                        select md5(concat_ws('#',
                            (select string_agg(o::text, '|' order by organization_id) from organization_view o),
                            (select string_agg(u::text, '|' order by user_id) from user_view u),
                            (select string_agg(m::text, '|' order by user_id, organization_id) from user_membership_view m),
                            (select string_agg(s::text, '|' order by settings_id) from settings_view s)))""")
                .query(String.class).single();
    }

    /**
     * Every user and organization row carries its aggregate's last event, whatever other tests
     * just did: nothing in flight, and nothing missed (a missed event fails here, by name).
     */
    private void awaitNothingBehind() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String name : List.of("users", "organizations")) {
                JsonNode report = api.get("/api/admin/projections/" + name + "/reconciliation?settledFor=PT0S")
                        .token(admin).send().json();
                assertThat(report.get("behind").asLong()).as("%s behind the log: %s", name, report.get("sample"))
                        .isZero();
            }
        });
    }

    /** A user (erased at the end) and an organization with a few events each; the user's id, once its view row has them all. */
    private String someHistory() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String org = api.post("/api/organizations", """
                {"name": "Rebuilt %s", "accountPlan": "Gold"}""".formatted(unique)).token(admin).send().json().get("id").asText();
        String user = api.post("/api/users", """
                {"username": "rebuilt-%s", "email": "rebuilt-%s@example.com", "firstName": "Re", "lastName": "Built",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                .formatted(unique, unique, org)).token(admin).send().json().get("id").asText();
        api.patch("/api/users/" + user, """
                {"firstName": "Rebuilt", "lastName": "Again"}""").token(admin).send();
        api.post("/api/users/" + user + "/disable", "").token(admin).send();
        // R-ERASE-1: a rebuild after an erasure ends as the views did (personal fields [erased])
        assertThat(api.post("/api/users/" + user + "/erase", """
                {"reason": "rebuilt after an erasure"}""").token(admin).send().status()).isEqualTo(200);
        api.put("/api/organizations/" + org + "/plan", """
                {"accountPlan": "Silver"}""").token(admin).send();
        long last = jdbc.sql("select max(sequencenumber) from domainevententry where aggregateidentifier = ?")
                .param(user).query(Long.class).single();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("select version from user_view where user_id = ?::uuid")
                .param(user).query(Long.class).optional().orElse(-1L) == last);
        return user;
    }

    @Test
    void R_AUD_3_every_read_model_rebuilt_from_the_log_ends_identical_and_twice_the_same() {
        String erased = someHistory();
        PROJECTIONS.forEach(this::awaitCaughtUp);
        awaitNothingBehind();
        String before = checksum();

        for (int rebuild = 1; rebuild <= 2; rebuild++) {
            // damage the read models, so that only a real replay gives the checksum back
            jdbc.sql("update user_view set first_name = 'tampered'").update();
            jdbc.sql("update organization_view set account_plan = 'tampered'").update();
            assertThat(checksum()).isNotEqualTo(before);
            for (String name : PROJECTIONS) {
                Api.Response started = api.post("/api/admin/projections/" + name + "/rebuild", "").token(admin).send();
                assertThat(started.status()).as(started.body()).isEqualTo(202);
                assertThat(started.header("Location")).contains("/api/admin/projections/" + name);
            }
            PROJECTIONS.forEach(this::awaitCaughtUp);
            awaitNothingBehind();

            assertThat(checksum()).as("after rebuild %d", rebuild).isEqualTo(before);
            awaitSearchHeadsBuilt();
        }
        assertThat(jdbc.sql("select username || ' ' || email || ' ' || full_name from user_view where user_id = ?::uuid")
                .param(erased).query(String.class).single()).isEqualTo("[erased] [erased] [erased] [erased]");
    }

    /** The search heads built again after the users view's replay, holding what they must (db/query V6, V7). */
    private void awaitSearchHeadsBuilt() {
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select built from search_head_size")
                .query(Boolean.class).single());
        assertThat(jdbc.sql(SearchHeadsTest.DIFFERENCES).query(String.class).list()).isEmpty();
        assertThat(jdbc.sql("select count(*) from search_head").query(Long.class).single()).isPositive();
    }

    /**
     * A replay of the users view keeps no search heads (that made it four times slower at a
     * million users): emptying the view marks them not built, writers then leave them alone, and
     * they are built once no segment replays.
     */
    @Test
    void a_replay_of_the_users_view_keeps_no_search_heads_and_they_are_built_once_it_is_done() {
        String user = someHistory();
        awaitCaughtUp("users");
        awaitSearchHeadsBuilt();
        StreamingEventProcessor users = processing.eventProcessor("users", StreamingEventProcessor.class).orElseThrow();
        users.shutDown();
        try {
            users.resetTokens();
            assertThat(jdbc.sql("select built from search_head_size").query(Boolean.class).single())
                    .as("emptied for the replay").isFalse();
            assertThat(jdbc.sql("select count(*) from search_head").query(Long.class).single()).isZero();
            assertThat(heads.buildIfMissing()).as("not built while the processor's tokens replay").isFalse();
            // a writer while the heads are not built leaves them alone
            jdbc.sql("""
                    insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                           account_role, source, enabled, activation, created_at, updated_at, version)
                    values (gen_random_uuid(), 'headless', 'headless@example.com', 'Head', 'Less', 'Head Less', 'en',
                            'DEVELOPER', 'DEVELOPER', 'PORTAL', true, 'ACTIVE', now(), now(), 1)""").update();
            assertThat(jdbc.sql("select count(*) from search_head").query(Long.class).single()).isZero();
            jdbc.sql("delete from user_view where username = 'headless'").update();
        } finally {
            users.start();
        }
        awaitCaughtUp("users");
        awaitSearchHeadsBuilt();
        assertThat(jdbc.sql("select count(*) from search_head where user_id = ?::uuid").param(user)
                .query(Long.class).single()).as("the replayed users are in the heads built after").isPositive();
    }

    @Test
    void reconciliation_finds_a_view_row_behind_the_log_and_a_rebuild_repairs_it() {
        String lagging = someHistory();
        awaitCaughtUp("users");
        awaitNothingBehind();
        jdbc.sql("update user_view set version = version - 1 where user_id = ?::uuid").param(lagging).update();
        jdbc.sql("delete from organization_view where organization_id = (select organization_id from organization_view limit 1)")
                .update();

        JsonNode users = api.get("/api/admin/projections/users/reconciliation?settledFor=PT0S").token(admin).send().json();
        JsonNode organizations = api.get("/api/admin/projections/organizations/reconciliation?settledFor=PT0S")
                .token(admin).send().json();
        JsonNode unsettled = api.get("/api/admin/projections/users/reconciliation").token(admin).send().json();

        assertThat(users.get("behind").asLong()).isEqualTo(1);
        assertThat(users.get("sample").get(0).asText()).isEqualTo(lagging);
        assertThat(organizations.get("behind").asLong()).isEqualTo(1);
        assertThat(unsettled.get("behind").asLong()).as("its last event is younger than the settle time").isZero();

        List.of("users", "organizations").forEach(name -> {
            api.post("/api/admin/projections/" + name + "/rebuild", "").token(admin).send();
            awaitCaughtUp(name);
        });
        assertThat(api.get("/api/admin/projections/users/reconciliation?settledFor=PT0S").token(admin).send()
                .json().get("behind").asLong()).isZero();
        assertThat(api.get("/api/admin/projections/organizations/reconciliation?settledFor=PT0S").token(admin).send()
                .json().get("behind").asLong()).isZero();
    }

    /** What the scheduled check would find if every event were settled, as health shows it. */
    private JsonNode projectionsHealthNow() {
        monitor.refresh(Duration.ZERO);
        return api.get("/actuator/health/projections").send().json();
    }

    private long behindNow() {
        return projectionsHealthNow().at("/components/reconciliation/details/users/behind").asLong();
    }

    @Test
    void reconciliation_shows_as_health_and_metric_without_taking_the_service_out() {
        String lagging = someHistory();
        awaitCaughtUp("users");
        awaitNothingBehind();
        behindNow(); // a round refolds whatever it finds behind: the next shows what stays behind
        long before = behindNow();
        long last = jdbc.sql("select version from user_view where user_id = ?::uuid").param(lagging).query(Long.class).single();
        try {
            // the scheduled check may run in between with the real settle time: ask again until it
            // shows; each round that finds the row behind also refolds it, so each try sets it back again
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                jdbc.sql("update user_view set version = ? where user_id = ?::uuid").params(last - 1, lagging).update();
                JsonNode health = projectionsHealthNow();
                assertThat(health.at("/status").asText()).isEqualTo(ReconciliationMonitor.BEHIND);
                assertThat(health.at("/components/reconciliation/details/users/behind").asLong()).isEqualTo(before + 1);
                assertThat(health.at("/components/reconciliation/details/users/replaying").asBoolean()).isFalse();
                assertThat(api.get("/actuator/prometheus").token(admin).send().body())
                        .contains("portal_projection_behind{processor=\"users\"} " + (double) (before + 1))
                        .containsPattern("portal_projection_lag_events\\{processor=\"users\"} \\d");
            });
            Api.Response overall = api.get("/actuator/health").send();
            assertThat(overall.status()).as("the node keeps serving").isEqualTo(200);
            assertThat(overall.json().at("/status").asText()).isEqualTo(ReconciliationMonitor.BEHIND);
            assertThat(overall.body()).as("details only in the projections group").doesNotContain("checkedAt");
            assertThat(api.get("/actuator/health/readiness").send().status()).isEqualTo(200);
            // the round that found it also refolded it (portal.reconciliation.repair)
            assertThat(jdbc.sql("select version from user_view where user_id = ?::uuid").param(lagging)
                    .query(Long.class).single()).isEqualTo(last);
        } finally {
            jdbc.sql("update user_view set version = ? where user_id = ?::uuid and version < ?")
                    .params(last, lagging, last).update();
        }
        assertThat(behindNow()).isEqualTo(before);
        if (before == 0) {
            assertThat(projectionsHealthNow().at("/status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void a_read_model_behind_the_head_of_the_log_is_not_reported_caught_up() throws Exception {
        awaitCaughtUp("organizations");
        // Axon's own flag stays up once a processor has reached the end of the log; hold the
        // view's table so that the processor cannot write a new event, which the head then shows
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("lock table organization_view in exclusive mode");
            organization();
            JsonNode status = api.get("/api/admin/projections/organizations").token(admin).send().json();
            holder.rollback();

            assertThat(status.get("caughtUp").asBoolean()).as(status.toString()).isFalse();
            assertThat(status.get("progress").asDouble()).as(status.toString()).isLessThan(1.0);
        }
        awaitCaughtUp("organizations");
    }

    @Test
    void R_AUD_3_only_a_portal_admin_sees_or_rebuilds_read_models() {
        String developer = tokenFor(givenUser(Role.API_OWNER));

        Api.Response refused = api.post("/api/admin/projections/users/rebuild", "").token(developer).send();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-AUD-3");
        assertThat(api.get("/api/admin/projections").token(developer).send().status()).isEqualTo(403);
        assertThat(api.get("/api/admin/projections").token(admin).send().json().findValuesAsText("name"))
                .containsAll(PROJECTIONS);
        assertThat(api.post("/api/admin/projections/command-lookups/rebuild", "").token(admin).send().status())
                .as("the command side's lookups are no read model").isEqualTo(404);
        assertThat(api.get("/api/admin/projections/nothing").token(admin).send().status()).isEqualTo(404);
    }
}
