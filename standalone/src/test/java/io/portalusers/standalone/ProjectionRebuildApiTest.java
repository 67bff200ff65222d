package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.user.Role;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.query.projections.ReconciliationMonitor;
import io.portalusers.query.users.SearchHeadsBuilder;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
    @Autowired
    @Qualifier("usersViewSwap")
    private PeriodicTask usersViewSwap;

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
     * The users view and its memberships as the catalog defines them: columns (order, type, not
     * null, default or generation, statistics target), constraints, indexes, triggers, storage
     * options, and the views that read them. A rebuild swaps in new tables: they must be
     * defined exactly as the old ones were.
     */
    private List<String> definitionOfTheView() {
        return jdbc.sql("""
                with tabs(tab) as (values ('user_view'::regclass), ('user_membership_view'::regclass))
                select 'column ' || a.attrelid::regclass || ' ' || a.attnum || ' ' || a.attname || ' '
                       || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || a.attstattarget || ' '
                       || a.attgenerated::text || coalesce(' ' || pg_get_expr(d.adbin, d.adrelid), '')
                       || coalesce(' -- ' || col_description(a.attrelid, a.attnum), '')
                from pg_attribute a join tabs on a.attrelid = tab
                left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                where a.attnum > 0 and not a.attisdropped
                union all
                select 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                from pg_constraint join tabs on conrelid = tab
                union all
                select 'index ' || pg_get_indexdef(indexrelid) from pg_index join tabs on indrelid = tab
                union all
                select 'trigger ' || pg_get_triggerdef(t.oid) from pg_trigger t join tabs on tgrelid = tab
                where not tgisinternal
                union all
                select 'grant ' || c.oid::regclass || ' ' || a.privilege_type || ' to ' || pg_get_userbyid(a.grantee)
                from pg_class c join tabs on c.oid = tab cross join lateral aclexplode(c.relacl) a
                union all
                select 'table ' || oid::regclass || ' ' || coalesce(array_to_string(reloptions, ','), '')
                       || coalesce(' -- ' || obj_description(oid, 'pg_class'), '')
                from pg_class join tabs on oid = tab
                union all
                select distinct 'view ' || v.oid::regclass || ' ' || pg_get_viewdef(v.oid)
                from pg_class v join pg_rewrite r on r.ev_class = v.oid join pg_depend d on d.objid = r.oid
                join tabs on d.refobjid = tab
                where v.relkind = 'v'
                order by 1""").query(String.class).list();
    }

    /**
     * A rebuild of the users view replays into tables aside it: readers see the view as it was,
     * searches read its search heads, until the replay is done; then the new tables are swapped
     * in, defined as the view was, and the search heads are built from them.
     */
    @Test
    void R_AUD_3_a_rebuild_of_the_users_view_replays_aside_and_is_swapped_in_once_done() {
        String user = someHistory();
        awaitCaughtUp("users");
        awaitNothingBehind();
        awaitSearchHeadsBuilt();
        // an operator's grant to a reporting tool's role, which the rebuilt view must keep
        jdbc.sql("do $$ begin create role portal_reporting nologin; exception when duplicate_object then null; end $$")
                .update();
        jdbc.sql("grant select on user_view, user_membership_view to portal_reporting").update();
        List<String> definition = definitionOfTheView();
        assertThat(definition).as("the catalog read").anyMatch(line -> line.startsWith("trigger "))
                .anyMatch(line -> line.startsWith("view ")).anyMatch(line -> line.contains("FOREIGN KEY"))
                .anyMatch(line -> line.contains("fillfactor=80")).anyMatch(line -> line.contains(" name_key text false 1000 s "))
                .contains("grant user_view SELECT to portal_reporting");
        String before = checksum();
        long headEntries = jdbc.sql("select count(*) from search_head").query(Long.class).single();
        String term = jdbc.sql("select left(last_name, 4) from user_view where last_name <> '[erased]' order by created_at desc limit 1")
                .query(String.class).single();
        String page = api.get("/api/users?name=" + term).token(admin).send().body();
        assertThat(api.get("/api/users?name=" + term).token(admin).send().json().get("total").asLong()).isPositive();
        assertThat(jdbc.sql("select users_view_rebuild_finish()").query(Boolean.class).single())
                .as("no rebuild under way: nothing to swap").isFalse();

        // report figures gone wrong: the swap counts them afresh
        assertThat(jdbc.sql("update report_user_counts set users = users + 7 where ctid = "
                + "(select ctid from report_user_counts where organization_id is null and users > 0 limit 1)").update())
                .isOne();

        StreamingEventProcessor users = processing.eventProcessor("users", StreamingEventProcessor.class).orElseThrow();
        users.shutDown();
        try {
            users.resetTokens();
            assertThat(jdbc.sql("select count(*) from user_view_next").query(Long.class).single()).isZero();
            JsonNode status = api.get("/api/admin/projections/users").token(admin).send().json();
            assertThat(status.get("swapPending").asBoolean()).isTrue();
            assertThat(status.get("caughtUp").asBoolean()).isFalse();
            // readers keep the view, its report figures and its search heads as they were
            assertThat(checksum()).isEqualTo(before);
            assertThat(api.get("/api/users?name=" + term).token(admin).send().body()).isEqualTo(page);
            assertThat(jdbc.sql("select built from search_head_size").query(Boolean.class).single()).isTrue();
            assertThat(jdbc.sql("select count(*) from search_head").query(Long.class).single()).isEqualTo(headEntries);
            assertThat(heads.buildIfMissing()).as("built: nothing to build").isFalse();
        } finally {
            users.start();
        }
        awaitCaughtUp("users");
        assertThat(jdbc.sql("select count(*) from users_view_rebuild").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select to_regclass('user_view_next') is null").query(Boolean.class).single()).isTrue();
        assertThat(checksum()).isEqualTo(before);
        assertThat(definitionOfTheView()).as("swapped in, defined as the view was").isEqualTo(definition);
        assertThat(jdbc.sql("select (select count(*) from report_user_count_deltas) + (select count(*) from report_pending_count_deltas)")
                .query(Long.class).single()).as("the report figures recounted and folded by the swap").isZero();
        assertThat(jdbc.sql("""
                        select count(*) from (select state, category, account_role, sum(users) from report_user_count_totals
                                              where organization_id is null group by 1, 2, 3 having sum(users) <> 0
                                              except
                                              select report_state(enabled, activation), category, account_role, count(*)
                                              from user_view group by 1, 2, 3) d""")
                .query(Long.class).single()).as("the report figures equal a fresh count").isZero();
        awaitNothingBehind();
        awaitSearchHeadsBuilt();
        assertThat(jdbc.sql("select count(*) from search_head where user_id = ?::uuid").param(user)
                .query(Long.class).single()).as("the replayed users are in the heads built after").isPositive();
        assertThat(api.get("/api/users?name=" + term).token(admin).send().body()).isEqualTo(page);
    }

    /**
     * A replay into the tables aside the users view holds the rows it folds in memory from batch
     * to batch, the segments' stored tokens staying where everything was written. A node that
     * stops (or dies) then loses what it held, and resumes from those tokens: the view swapped in
     * ends as it was.
     */
    @Test
    void R_AUD_3_a_rebuild_stopped_while_it_holds_rows_in_memory_resumes_and_ends_identical() {
        someHistory();
        awaitCaughtUp("users");
        awaitNothingBehind();
        String before = checksum();
        long users = jdbc.sql("select count(*) from user_view").query(Long.class).single();
        StreamingEventProcessor processor = processing.eventProcessor("users", StreamingEventProcessor.class).orElseThrow();
        usersViewSwap.stop();
        try {
            processor.shutDown();
            processor.resetTokens();
            processor.start();
            // replayed to the head of the log: what the swap waits for
            await().atMost(Duration.ofSeconds(60)).until(() -> !processor.isReplaying()
                    && !processor.processingStatus().isEmpty()
                    && processor.processingStatus().values().stream().allMatch(status -> status.isCaughtUp()));
            long written = jdbc.sql("select count(*) from user_view_next").query(Long.class).single();
            assertThat(written).as("replayed, and held in memory rather than written").isLessThan(users);

            processor.shutDown();
            assertThat(jdbc.sql("select count(*) from user_view_next").query(Long.class).single())
                    .as("what the stopped node held is lost").isEqualTo(written);
            processor.start();
        } finally {
            usersViewSwap.start();
        }
        awaitCaughtUp("users");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("select count(*) from users_view_rebuild")
                .query(Long.class).single() == 0);
        assertThat(checksum()).isEqualTo(before);
        awaitNothingBehind();
    }

    /**
     * Events appended while the users processor was stopped lie past every segment's token at the
     * reset, so Axon hands them on as new, not as replayed. Going to the tables aside the view,
     * they are held in memory as the replayed ones are (written when the swap begins, not batch
     * by batch: a row once for every event), and the view swapped in has them all.
     */
    @Test
    void R_AUD_3_events_new_to_the_users_processor_at_a_rebuild_are_held_aside_and_swapped_in() {
        someHistory();
        awaitCaughtUp("users");
        awaitNothingBehind();
        StreamingEventProcessor processor = processing.eventProcessor("users", StreamingEventProcessor.class).orElseThrow();
        List<String> created = new ArrayList<>();
        usersViewSwap.stop();
        try {
            processor.shutDown();
            String org = api.post("/api/organizations", """
                    {"name": "Held %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(admin).send()
                    .json().get("id").asText();
            for (int i = 0; i < 3; i++) {
                String unique = UUID.randomUUID().toString().substring(0, 12);
                String user = api.post("/api/users", """
                        {"username": "held-%s", "email": "held-%s@example.com", "firstName": "Held", "lastName": "New",
                         "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                        .formatted(unique, unique, org)).token(admin).send().json().get("id").asText();
                assertThat(api.patch("/api/users/" + user, """
                        {"firstName": "Held", "lastName": "Renamed"}""").token(admin).send().status()).isEqualTo(200);
                created.add(user);
            }
            processor.resetTokens();
            processor.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> !processor.isReplaying()
                    && !processor.processingStatus().isEmpty()
                    && processor.processingStatus().values().stream().allMatch(status -> status.isCaughtUp()));
            assertThat(jdbc.sql("select count(*) from user_view_next where user_id = any(?::uuid[])")
                    .param(created.toArray(String[]::new)).query(Long.class).single())
                    .as("new to the processor, yet held in memory like the replayed events").isZero();
        } finally {
            usersViewSwap.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("select count(*) from users_view_rebuild")
                .query(Long.class).single() == 0);
        assertThat(jdbc.sql("select count(*) from user_view where user_id = any(?::uuid[]) and last_name = 'Renamed'")
                .param(created.toArray(String[]::new)).query(Long.class).single())
                .as("written when the swap began, each at its last event").isEqualTo(created.size());
        awaitNothingBehind();
    }

    /**
     * Users created by concurrent callers before, during and after a rebuild of the users view:
     * each one is in the view swapped in, at its version. The writers of the live events and the
     * swap meet on the rebuild's row (db/query V10): none writes into tables that are swapped
     * out, none is lost.
     */
    @Test
    void R_AUD_3_users_created_while_the_users_view_is_rebuilt_and_swapped_are_all_in_it() throws Exception {
        String org = api.post("/api/organizations", """
                {"name": "Swap %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(admin).send()
                .json().get("id").asText();
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger duringRebuild = new AtomicInteger();
        AtomicBoolean rebuilt = new AtomicBoolean();
        AtomicInteger afterwards = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int caller = 0; caller < 4; caller++) {
            running.add(callers.submit(() -> {
                while (afterwards.get() < 20) {
                    String unique = UUID.randomUUID().toString().substring(0, 12);
                    Api.Response response = api.post("/api/users", """
                            {"username": "swap-%s", "email": "swap-%s@example.com", "firstName": "Swap", "lastName": "Ped",
                             "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                            .formatted(unique, unique, org)).token(admin).send();
                    assertThat(response.status()).as(response.body()).isEqualTo(201);
                    created.add(response.json().get("id").asText());
                    if (rebuilt.get()) {
                        afterwards.incrementAndGet();
                    } else if (jdbc.sql("select exists (select from users_view_rebuild)").query(Boolean.class).single()) {
                        duringRebuild.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> created.size() >= 8);
            Api.Response started = api.post("/api/admin/projections/users/rebuild", "").token(admin).send();
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            // under this load the processor trails the head of the log: the swap is what is awaited
            await().atMost(Duration.ofSeconds(60)).until(() -> !api.get("/api/admin/projections/users").token(admin)
                    .send().json().get("swapPending").asBoolean());
            rebuilt.set(true);
            for (Future<?> caller : running) {
                caller.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
        awaitCaughtUp("users");
        assertThat(duringRebuild.get()).as("users created while the rebuild was under way").isPositive();
        assertThat(jdbc.sql("select count(*) from user_view where user_id = any(?::uuid[])")
                .param(created.toArray(String[]::new)).query(Long.class).single())
                .as("every user created before, during and after the rebuild").isEqualTo(created.size());
        awaitNothingBehind();
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
