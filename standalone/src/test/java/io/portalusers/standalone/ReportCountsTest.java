package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.portalusers.platform.schema.ModuleMigrations;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The report counts of V18 (report_user_counts, report_pending_counts and their deltas)
 * equal a fresh GROUP BY over user_view and user_membership_view: after concurrent commands
 * through the API, during and after a rebuild of the users projection, under concurrent
 * multi-statement writers on shared count rows, and for rows there before the migration.
 */
class ReportCountsTest extends ApiTest {

    /** Rows of the fresh count and of the counts that differ, both ways; empty when they are equal. */
    static final String DIFFERENCES = """
            with fresh_users as (
                     select null::uuid as organization_id, null::text as org_role,
                            case when not enabled then 'disabled' else lower(activation) end as state, category, account_role,
                            count(*) as users
                     from user_view group by 3, 4, 5
                     union all
                     select m.organization_id, m.org_role, case when not u.enabled then 'disabled' else lower(u.activation) end,
                            u.category, u.account_role, count(*)
                     from user_membership_view m join user_view u on u.user_id = m.user_id group by 1, 2, 3, 4, 5),
                 counted_users as (
                     select organization_id, org_role, state, category, account_role, users
                     from report_user_count_totals where users <> 0),
                 fresh_pending as (
                     select null::uuid as organization_id, date_trunc('hour', created_at, 'UTC') as created_hour, count(*) as users
                     from user_view where enabled and activation = 'PENDING' group by 2
                     union all
                     select m.organization_id, date_trunc('hour', u.created_at, 'UTC'), count(*)
                     from user_membership_view m join user_view u on u.user_id = m.user_id
                     where u.enabled and u.activation = 'PENDING' group by 1, 2),
                 counted_pending as (
                     select organization_id, created_hour, users from report_pending_count_totals where users <> 0)
            select 'missing ' || f::text from (select * from fresh_users except select * from counted_users) f
            union all select 'extra ' || c::text from (select * from counted_users except select * from fresh_users) c
            union all select 'missing pending ' || f::text from (select * from fresh_pending except select * from counted_pending) f
            union all select 'extra pending ' || c::text from (select * from counted_pending except select * from fresh_pending) c""";

    private static final Duration PROJECTION_DELAY = Duration.ofSeconds(30);

    @Autowired
    private DataSource dataSource;
    @Autowired
    private EmbeddedPostgres postgres;
    @Autowired
    private ModuleMigrations migrations;

    /** The differences in one snapshot: the counts change in the rows' transaction, so any snapshot must agree. */
    private List<String> differences() {
        return jdbc.sql(DIFFERENCES).query(String.class).list();
    }


    private void awaitUsersCaughtUp() {
        await().atMost(PROJECTION_DELAY).until(() -> {
            JsonNode status = api.get("/api/admin/projections/users").token(admin).send().json();
            return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean()
                    && status.get("progress").asDouble() >= 1.0;
        });
    }

    /** A Developer with notify on, whose activation email gives the token to complete its setup with. */
    private String invitedDeveloper(String organization, String email) {
        Api.Response created = api.post("/api/users", """
                {"username": "c-%s", "email": "%s", "firstName": "Count", "lastName": "Ed", "role": "DEVELOPER",
                 "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": true}"""
                .formatted(letters(12), email, organization)).token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    @Test
    void counts_equal_a_fresh_count_during_and_after_concurrent_commands() throws Exception {
        List<String> organizations = List.of(organization(), organization(), organization());
        List<String> invited = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String email = letters(12) + "@counts.example";
            invited.add(invitedDeveloper(organizations.get(i), email) + " " + email);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> seenDuringLoad = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger checks = new AtomicInteger();
        Thread checker = new Thread(() -> {
            while (running.get()) {
                List<String> differences = differences();
                checks.incrementAndGet();
                if (!differences.isEmpty()) {
                    seenDuringLoad.addAll(differences);
                }
            }
        });
        checker.start();
        try {
            // each command asserts its own 200 (ok) and a failing caller fails concurrently(), so a
            // total of the commands sent adds nothing: it could only be what the loop sends
            concurrently(8, caller -> {
                Random random = new Random(caller);
                for (int i = 0; i < 6; i++) {
                    String first = organizations.get(random.nextInt(3));
                    String second = organizations.get((organizations.indexOf(first) + 1) % 3);
                    String developer = user("Count", letters(8), letters(12) + "@counts.example", "DEVELOPER",
                            first, "DEVELOPER", second, random.nextBoolean() ? "ORG_ADMIN" : "ORG_PUBLISHER");
                    String orgAdmin = user("Count", letters(8), letters(12) + "@counts.example", "ORG_ADMIN", first, "ORG_ADMIN");
                    user("Count", letters(8), letters(12) + "@counts.example", "API_OWNER");
                    ok(api.post("/api/users/" + orgAdmin + "/disable", "").token(this.admin).send());
                    ok(api.put("/api/users/" + developer + "/memberships", """
                            {"memberships": [{"organizationId": "%s", "role": "ORG_PUBLISHER"}]}""".formatted(second))
                            .token(this.admin).send());
                    ok(api.post("/api/users/" + developer + "/disable", "").token(this.admin).send());
                    if (random.nextBoolean()) {
                        ok(api.post("/api/users/" + developer + "/enable", "").token(this.admin).send());
                    }
                    ok(api.put("/api/users/" + developer + "/memberships", """
                            {"memberships": [{"organizationId": "%s", "role": "DEVELOPER"},
                                             {"organizationId": "%s", "role": "ORG_ADMIN"}]}""".formatted(second, first))
                            .token(this.admin).send());
                }
                if (caller < invited.size()) {
                    String[] user = invited.get(caller).split(" ");
                    String token = MAIL.awaitToken(user[1], 1);
                    Api.Response activated = api.post("/api/account-setup/" + token, """
                            {"password": "Correct-Horse-%s"}""".formatted(letters(10))).send();
                    assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
                }
                return null;
            });
            awaitUsersCaughtUp();
            await().atMost(PROJECTION_DELAY).until(() -> jdbc.sql(
                    "select count(*) from user_view where user_id::text in (:ids) and activation = 'ACTIVE'")
                    .param("ids", invited.stream().map(u -> u.split(" ")[0]).toList()).query(Long.class).single() == 3);
        } finally {
            running.set(false);
            checker.join();
        }
        assertThat(seenDuringLoad).as("differences seen while the commands ran").isEmpty();
        assertThat(checks.get()).isPositive();
        assertThat(differences()).isEmpty();
        // and the reports read them: the three organizations' figures add up to their rows
        for (String organization : organizations) {
            long members = jdbc.sql("select count(*) from user_membership_view where organization_id = ?::uuid")
                    .param(organization).query(Long.class).single();
            JsonNode figures = api.get("/api/reports/organizations?organization=" + organization).token(admin).send()
                    .json().get("items").get(0);
            assertThat(figures.get("members").asLong()).isEqualTo(members).isPositive();
            assertThat(figures.get("pending").asLong() + figures.get("active").asLong() + figures.get("disabled").asLong())
                    .isEqualTo(members);
        }
    }

    /**
     * R-SEARCH-4: an Org Admin of two organizations reads one figure over both, in which a user
     * member of both counts once (that scope is counted from the rows, not summed from counts).
     */
    @Test
    void R_SEARCH_4_a_user_in_two_of_the_readers_organizations_counts_once() {
        String first = organization();
        String second = organization();
        String boss = user("Two", letters(8), letters(12) + "@counts.example", "DEVELOPER",
                first, "ORG_ADMIN", second, "ORG_ADMIN");
        user("Two", letters(8), letters(12) + "@counts.example", "DEVELOPER", first, "DEVELOPER", second, "DEVELOPER");
        user("Two", letters(8), letters(12) + "@counts.example", "DEVELOPER", second, "DEVELOPER");
        String token = tokenFor(io.portalusers.api.UserId.of(boss));
        await().atMost(PROJECTION_DELAY).untilAsserted(() -> {
            assertThat(api.get("/api/reports/users-by-state?organization=" + first).token(admin).send().json()
                    .get("total").asLong()).isEqualTo(2);
            assertThat(api.get("/api/reports/users-by-state?organization=" + second).token(admin).send().json()
                    .get("total").asLong()).isEqualTo(3);
        });

        JsonNode both = api.get("/api/reports/users-by-state").token(token).send().json();
        assertThat(both.get("total").asLong()).as(both.toString()).isEqualTo(3);
        assertThat(api.get("/api/reports/pending-activations").token(token).send().json().get("total").asLong())
                .isEqualTo(3);
        assertThat(api.get("/api/reports/users-by-state?organization=" + first).token(token).send().json()
                .get("total").asLong()).isEqualTo(2);
    }

    private static void ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    @Test
    void counts_equal_a_fresh_count_during_and_after_a_rebuild_of_the_users_projection() {
        String organization = organization();
        for (int i = 0; i < 5; i++) {
            String developer = user("Re", letters(8), letters(12) + "@counts.example", "DEVELOPER", organization, "DEVELOPER");
            if (i % 2 == 0) {
                api.post("/api/users/" + developer + "/disable", "").token(admin).send();
            }
        }
        awaitUsersCaughtUp();
        assertThat(differences()).isEmpty();
        long before = jdbc.sql("select coalesce(sum(users), 0) from report_user_count_totals where organization_id is null")
                .query(Long.class).single();
        assertThat(before).isEqualTo(jdbc.sql("select count(*) from user_view").query(Long.class).single());

        Api.Response started = api.post("/api/admin/projections/users/rebuild", "").token(admin).send();
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        List<String> seenDuringReplay = new ArrayList<>();
        int checks = 0;
        long deadline = System.nanoTime() + PROJECTION_DELAY.toNanos();
        while (System.nanoTime() < deadline) {
            seenDuringReplay.addAll(differences());
            checks++;
            JsonNode status = api.get("/api/admin/projections/users").token(admin).send().json();
            if (status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean()
                    && status.get("progress").asDouble() >= 1.0) {
                break;
            }
        }
        awaitUsersCaughtUp();
        assertThat(seenDuringReplay).as("differences seen during the replay (%d checks)", checks).isEmpty();
        assertThat(differences()).isEmpty();
        assertThat(jdbc.sql("select coalesce(sum(users), 0) from report_user_count_totals where organization_id is null")
                .query(Long.class).single()).isEqualTo(jdbc.sql("select count(*) from user_view").query(Long.class).single());
    }

    /**
     * Writers in parallel transactions of several statements each, touching the same count rows
     * (the same states, categories, roles and organizations) in different orders, as the
     * projection's segments do, and as a batching one would (multi-row upserts): none may fail
     * (a deadlock would) and no change may be lost.
     */
    @Test
    void concurrent_writers_of_shared_counts_neither_deadlock_nor_lose_a_change() throws Exception {
        UUID[] organizations = {UUID.randomUUID(), UUID.randomUUID()};
        String marker = "counts-" + letters(10);
        int writers = 6;
        int usersEach = 20;
        try {
            List<List<UUID>> owned = new ArrayList<>();
            try (Connection connection = dataSource.getConnection()) {
                for (int w = 0; w < writers; w++) {
                    List<UUID> users = new ArrayList<>();
                    for (int i = 0; i < usersEach; i++) {
                        users.add(UUID.randomUUID());
                    }
                    upsert(connection, users, marker, true, "PENDING");
                    for (UUID user : users) {
                        membership(connection, user, organizations[user.hashCode() & 1], "DEVELOPER");
                    }
                    owned.add(users);
                }
            }
            List<Integer> transactions = concurrently(writers, writer -> {
                Random random = new Random(writer);
                List<UUID> users = owned.get(writer);
                int committed = 0;
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    for (int t = 0; t < 40; t++) {
                        List<UUID> shuffled = new ArrayList<>(users);
                        Collections.shuffle(shuffled, random);
                        for (UUID user : shuffled.subList(0, 3)) {
                            try (PreparedStatement update = connection.prepareStatement(
                                    "update user_view set enabled = not enabled, activation = ? where user_id = ?")) {
                                update.setString(1, random.nextBoolean() ? "ACTIVE" : "PENDING");
                                update.setObject(2, user);
                                update.executeUpdate();
                            }
                        }
                        UUID moved = shuffled.get(3);
                        try (PreparedStatement delete = connection.prepareStatement(
                                "delete from user_membership_view where user_id = ?")) {
                            delete.setObject(1, moved);
                            delete.executeUpdate();
                        }
                        membership(connection, moved, organizations[random.nextInt(2)],
                                random.nextBoolean() ? "DEVELOPER" : "ORG_ADMIN");
                        upsert(connection, shuffled.subList(4, 8), marker, random.nextBoolean(), "PENDING");
                        upsert(connection, List.of(UUID.randomUUID()), marker, true, "PENDING");
                        try (PreparedStatement backDate = connection.prepareStatement(
                                "update user_view set created_at = created_at - interval '1 hour' where user_id = ?")) {
                            backDate.setObject(1, shuffled.get(8));
                            backDate.executeUpdate();
                        }
                        connection.commit();
                        committed++;
                    }
                }
                return committed;
            });
            assertThat(transactions).as("every transaction committed").containsOnly(40);
            assertThat(differences()).isEmpty();
        } finally {
            // the users' rows with their memberships still there: the cascade deletes those after the
            // rows are gone, so their organizations are recounted from the rows
            jdbc.sql("delete from user_view where username like ?").param(marker + "%").update();
        }
        assertThat(differences()).isEmpty();
    }

    /** A multi-row INSERT ... ON CONFLICT DO UPDATE of user rows (fires the insert and the update trigger). */
    private static void upsert(Connection connection, List<UUID> users, String marker, boolean enabled, String activation)
            throws SQLException {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < users.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(?, ?, 'c@counts.example', 'C', 'D', 'C D', 'en', 'ORG_USER', "
                    + "'DEVELOPER', 'PORTAL', ?, ?, now() - interval '5 days', now(), 1)");
        }
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                       account_role, source, enabled, activation, created_at, updated_at, version)
                values %s
                on conflict (user_id) do update set enabled = excluded.enabled, activation = excluded.activation,
                                                    version = user_view.version + 1""".formatted(values))) {
            int p = 1;
            for (UUID user : users) {
                upsert.setObject(p++, user);
                upsert.setString(p++, marker + "-" + user);
                upsert.setBoolean(p++, enabled);
                upsert.setString(p++, activation);
            }
            upsert.executeUpdate();
        }
    }

    private static void membership(Connection connection, UUID user, UUID organization, String role) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into user_membership_view (user_id, organization_id, org_role) values (?, ?, ?)")) {
            insert.setObject(1, user);
            insert.setObject(2, organization);
            insert.setString(3, role);
            insert.executeUpdate();
        }
    }

    /**
     * A database migrated with users already in it: V18 of the legacy history fills the counts
     * from its rows. A database of its own on the same server, migrated by the legacy scripts to
     * just before V18, given rows, then by the start-up migration, which completes the legacy
     * history before it hands each module its own.
     */
    @Test
    void the_migration_counts_the_rows_already_there() throws Exception {
        String database = "report_counts_" + letters(8);
        try (Connection admin = dataSource.getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("create database " + database);
        }
        String url = postgres.getJdbcUrl("postgres", database);
        // the last migration before V18, whichever it is
        MigrationVersion v18 = MigrationVersion.fromVersion("18");
        MigrationVersion before = Arrays.stream(legacy(url).load().info().all())
                .map(MigrationInfo::getVersion).filter(v -> v.compareTo(v18) < 0).max(Comparator.naturalOrder()).orElseThrow();
        legacy(url).target(before).load().migrate();
        try (Connection connection = DriverManager.getConnection(url, "postgres", null);
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                           account_role, source, enabled, activation, created_at, updated_at, version)
                    select gen_random_uuid(), 'u' || g, 'u' || g || '@counts.example', 'U', 'V', 'U V', 'en',
                           case when g % 10 = 0 then 'GLOBAL_PUBLISHER' else 'ORG_USER' end,
                           case when g % 10 = 0 then 'API_OWNER' when g % 7 = 0 then 'ORG_ADMIN' else 'DEVELOPER' end,
                           'PORTAL', g % 13 <> 0, case when g % 3 = 0 then 'ACTIVE' else 'PENDING' end,
                           now() - g * interval '17 minutes', now(), 1
                    from generate_series(1, 2000) g""");
            statement.execute("""
                    insert into user_membership_view (user_id, organization_id, org_role)
                    select user_id, ('00000000-0000-0000-0000-00000000000' || (hashtext(username) & 7))::uuid,
                           case when account_role = 'ORG_ADMIN' then 'ORG_ADMIN' else 'DEVELOPER' end
                    from user_view where category = 'ORG_USER'""");
            // as a node starts now: it completes the legacy history (V18 among the rest), then the modules'
            migrations.migrate(Flyway.configure().dataSource(url, "postgres", null).load());
            List<String> differences = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(DIFFERENCES)) {
                while (rs.next()) {
                    differences.add(rs.getString(1));
                }
            }
            assertThat(differences).isEmpty();
            try (ResultSet rs = statement.executeQuery(
                    "select sum(users) from report_user_counts where organization_id is null")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2000);
            }
            try (ResultSet rs = statement.executeQuery("select sum(users) from report_pending_activations_by_age")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2000 - 2000 / 3 - 2000 / 13 + 2000 / 39);
            }
        } finally {
            try (Connection admin = dataSource.getConnection(); Statement statement = admin.createStatement()) {
                statement.execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    /** The scripts of the one history databases had before each module had its own schema. */
    private static FluentConfiguration legacy(String url) {
        return Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/legacy");
    }
}
