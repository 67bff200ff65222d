package io.portalusers.standalone;

import io.portalusers.platform.schema.ModuleMigrations;
import io.portalusers.platform.schema.ModuleSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each module owns its schema (platform, command side, query side, sign-in), and databases
 * migrated before that, by the one legacy history of db/legacy, keep working: the start-up
 * migration (the context's own {@link ModuleMigrations}, with the module schemas this
 * standalone node contributes) completes the legacy history, records each module's V1 as
 * its baseline and runs the later versions. The proof that each consolidated V1 describes
 * exactly what the legacy scripts left: an upgraded database and a fresh one have the same
 * catalog, compared strictly (tables, columns in order with types, defaults, nullability,
 * collations and statistics targets, constraints by name, indexes, views, functions, triggers,
 * sequences, extensions, comments, storage options, privileges).
 */
class SchemaUpgradeTest extends ApiTest {

    /** Flyway's histories: which exist is what differs between an upgraded database and a fresh one. */
    private static final Set<String> HISTORIES = Set.of("flyway_schema_history", "platform_schema_history",
            "command_schema_history", "query_schema_history", "identity_schema_history");

    @Autowired
    private EmbeddedPostgres postgres;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private ModuleMigrations migrations;

    private final List<String> databases = new ArrayList<>();

    @AfterEach
    void dropDatabases() throws SQLException {
        try (Connection admin = dataSource.getConnection(); Statement statement = admin.createStatement()) {
            for (String database : databases) {
                statement.execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    @Test
    void a_database_of_the_legacy_history_gets_the_module_schemas_with_its_rows_and_the_shape_of_a_fresh_one()
            throws SQLException {
        String legacy = database("legacy");
        migrateAsBefore(legacy, null);
        try (Connection connection = connect(legacy)) {
            writeRepresentativeRows(connection);
            // databases migrated before two legacy scripts' comments were reworded hold their old checksums
            try (var statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("update flyway_schema_history set checksum = checksum + 1"
                        + " where version in ('11', '13')")).isEqualTo(2);
            }
            Map<String, String> before = contents(connection);
            List<String> reportBefore = rows(connection, "select r::text from report_users_by_state r order by 1");

            migrateNow(legacy, migrations);

            // every row kept; the append bound's row is new in the platform's V2, the seal head's
            // in its V3 (whose seals come from the running service's sealer, so none yet), the
            // query nodes' table (query V3), the webhooks' tables (query V4) and the personal data keys,
            // chain epochs and the record of the old events' encryption (platform V4, which the running
            // service fills) and of their reasons' sealing (platform V5) are new and empty; the search
            // heads (query V6) are built from the users there, emptied by query V8 (which adds heads across
            // the fields) and marked not built, for a query node to build (checked below)
            Map<String, String> after = new LinkedHashMap<>(contents(connection));
            // the users' rows as they were, beside the search keys the query side's V9 stores in them
            String columns = String.join(", ", rows(connection, """
                    select column_name from information_schema.columns
                    where table_name = 'user_view' and is_generated = 'NEVER' order by ordinal_position"""));
            after.put("user_view", rows(connection, "select count(*) || ' ' || coalesce(md5(string_agg(t::text, "
                    + "E'\\n' order by t::text)), '') from (select " + columns + " from user_view) t").get(0));
            assertThat(rows(connection, "select count(*) from user_view where name_key <> user_search_key(full_name)"
                    + " or email_key <> user_search_key(email)")).as("the stored search keys").containsExactly("0");
            assertThat(after.remove("search_head")).as("the search heads, emptied by the query side's V8").startsWith("0 ");
            assertThat(rows(connection, "select built::text from search_head_size"))
                    .as("the heads marked not built by V8, a rebuild's mark").containsExactly("false");
            assertThat(rows(connection, "select search_heads_build_if_missing()::text")).containsExactly("true");
            assertThat(rows(connection, "select count(*) || ' ' from search_head"))
                    .as("the search heads of the users there in the four fields, built as a query node builds them")
                    .containsExactly(rows(connection, """
                            select count(*) || ' ' from (select distinct k.field, t.trigram, u.user_id from user_view u
                            cross join lateral search_head_keys(u.full_name, u.email) as k
                            cross join lateral search_trigrams(k.trigram_text) as t(trigram)) entries""").get(0))
                    .doesNotContain("0 ");
            assertThat(after.remove("search_head_size")).as("the heads' size, new in the query side's V6").startsWith("1 ");
            assertThat(after.remove("event_append_bound")).as("the append bound's row, new in the platform's V2")
                    .startsWith("1 ");
            assertThat(after.remove("event_seal_head")).as("the seal head's row, new in the platform's V3")
                    .startsWith("1 ");
            Map<String, String> expected = new java.util.TreeMap<>(before);
            expected.put("query_node", "0 ");
            expected.put("webhook_subscription", "0 ");
            expected.put("webhook_delivery", "0 ");
            expected.put("webhook_delivery_id_seq", "1 false");
            expected.put("event_seal", "0 ");
            expected.put("personal_data_key", "0 ");
            expected.put("personal_data_master", "0 ");
            expected.put("event_chain_epoch", "0 ");
            expected.put("event_chain_epoch_epoch_seq", "1 false");
            expected.put("legacy_event_encryption", "0 ");
            expected.put("legacy_reason_sealing", "0 ");
            expected.put("search_head_bound", "0 ");
            expected.put("users_view_rebuild", "0 ");
            assertThat(after).as("every row of every table, after the upgrade").isEqualTo(expected);
            assertThat(before.keySet()).contains("domainevententry", "actor_membership", "user_view", "mail_link_token");
            assertThat(rows(connection, "select r::text from report_users_by_state r order by 1"))
                    .isEqualTo(reportBefore).isNotEmpty();
            // each module continues the legacy history from a baseline at its V1, then runs what follows
            assertThat(history(connection, "platform_schema_history")).containsExactly("1 BASELINE", "2 SQL", "3 SQL", "4 SQL", "5 SQL");
            assertThat(history(connection, "command_schema_history")).containsExactly("1 BASELINE");
            assertThat(history(connection, "query_schema_history"))
                    .containsExactly("1 BASELINE", "2 SQL", "3 SQL", "4 SQL", "5 SQL", "6 SQL", "7 SQL", "8 SQL", "9 SQL", "10 SQL", "11 SQL", "12 SQL", "R SQL");
            assertThat(history(connection, "identity_schema_history"))
                    .containsExactly("0 BASELINE", "1 SQL", "2 SQL", "3 SQL", "4 SQL");
        }

        String fresh = database("fresh");
        migrateNow(fresh, migrations);
        try (Connection connection = connect(fresh)) {
            assertThat(rows(connection, "select to_regclass('flyway_schema_history')::text")).as("legacy scripts never run")
                    .containsExactly((String) null);
            assertThat(history(connection, "query_schema_history")).containsExactly("0 BASELINE", "1 SQL", "2 SQL", "3 SQL", "4 SQL", "5 SQL", "6 SQL", "7 SQL", "8 SQL", "9 SQL", "10 SQL", "11 SQL", "12 SQL", "R SQL");
        }

        assertSameSchema(legacy, fresh);

        // a second start changes nothing on either
        migrateNow(legacy, migrations);
        migrateNow(fresh, migrations);
        assertSameSchema(legacy, fresh);
        try (Connection connection = connect(legacy)) {
            assertThat(history(connection, "query_schema_history")).containsExactly("1 BASELINE", "2 SQL", "3 SQL", "4 SQL", "5 SQL", "6 SQL", "7 SQL", "8 SQL", "9 SQL", "10 SQL", "11 SQL", "12 SQL", "R SQL");
        }
    }

    /**
     * Migrations run on connections without the pool's session caps (a migration that derives a
     * table from a million users takes minutes), and the pool's connections keep them.
     */
    @Test
    void migrations_run_without_the_pools_statement_and_idle_in_transaction_timeouts() throws SQLException {
        try (Connection pooled = dataSource.getConnection();
             Connection migrating = ModuleMigrations.withoutTimeouts(dataSource).getConnection()) {
            assertThat(rows(pooled, "show statement_timeout")).containsExactly("15s");
            assertThat(rows(pooled, "show idle_in_transaction_session_timeout")).containsExactly("20s");
            assertThat(rows(migrating, "show statement_timeout")).containsExactly("0");
            assertThat(rows(migrating, "show idle_in_transaction_session_timeout")).containsExactly("0");
            assertThat(rows(migrating, "select current_database()")).isEqualTo(rows(pooled, "select current_database()"));
        }
    }

    /** A database whose legacy history stopped early (here at V12) is first taken to the legacy V21 by the legacy scripts. */
    @Test
    void a_database_behind_in_the_legacy_history_completes_it_first() throws SQLException {
        String legacy = database("legacy_v12");
        migrateAsBefore(legacy, "12");
        try (Connection connection = connect(legacy); Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                           account_role, source, enabled, activation, created_at, updated_at, version)
                    select gen_random_uuid(), 'u' || g, 'u' || g || '@upgrade.example', 'U', 'V', 'U V', 'en', 'ORG_USER',
                           'DEVELOPER', 'PORTAL', true, case when g % 2 = 0 then 'ACTIVE' else 'PENDING' end,
                           now() - g * interval '1 hour', now(), 1
                    from generate_series(1, 50) g""");

            migrateNow(legacy, migrations);

            assertThat(history(connection, "flyway_schema_history")).last().isEqualTo("21 SQL");
            assertThat(rows(connection, "select sum(users)::text from report_users_by_state")).containsExactly("50");
            assertThat(rows(connection, "select count(*)::text from report_pending_activations")).containsExactly("25");
        }
        String fresh = database("fresh");
        migrateNow(fresh, migrations);
        assertSameSchema(legacy, fresh);
    }

    /**
     * The side jars migrate apart: a query side alone on a fresh database migrates the platform
     * and the query side only; the command side joining later adds its own, and the database is
     * then as if both had started together.
     */
    @Test
    void each_side_migrates_only_its_own_modules_and_either_may_come_first() throws SQLException {
        String database = database("sides");
        migrateNow(database, only("platform", "query"));
        try (Connection connection = connect(database)) {
            assertThat(rows(connection, "select to_regclass('organization_lookup')::text")).containsExactly((String) null);
            assertThat(rows(connection, "select to_regclass('user_view')::text")).containsExactly("user_view");
            assertThat(rows(connection, "select to_regclass('actor_membership')::text")).containsExactly("actor_membership");
        }
        migrateNow(database, only("platform", "command", "identity"));
        String fresh = database("fresh");
        migrateNow(fresh, migrations);
        assertSameSchema(database, fresh);
    }

    /**
     * The side jars started at once on one database (as docker compose and the production smoke
     * do) take turns: on a fresh database and on a legacy one, the outcome is the one of a single
     * node that has every module.
     */
    @Test
    void sides_that_start_at_once_take_turns() throws Exception {
        String fresh = database("fresh");
        migrateNow(fresh, migrations);
        String legacy = database("legacy_at_once");
        migrateAsBefore(legacy, null);
        String empty = database("empty_at_once");
        for (String database : List.of(legacy, empty)) {
            ExecutorService nodes = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch ready = new CountDownLatch(2);
                List<Future<?>> started = new ArrayList<>();
                for (ModuleMigrations side : List.of(only("platform", "command", "identity"), only("platform", "query"))) {
                    started.add(nodes.submit(() -> {
                        ready.countDown();
                        ready.await();
                        migrateNow(database, side);
                        return null;
                    }));
                }
                for (Future<?> node : started) {
                    node.get(2, TimeUnit.MINUTES);
                }
            } finally {
                nodes.shutdownNow();
            }
            assertSameSchema(database, fresh);
        }
    }

    private ModuleMigrations only(String... modules) {
        Set<String> names = Set.of(modules);
        List<ModuleSchema> schemas = migrations.schemas().stream().filter(s -> names.contains(s.module())).toList();
        assertThat(schemas).hasSize(modules.length);
        return new ModuleMigrations(schemas);
    }

    private String database(String name) throws SQLException {
        String database = "schema_" + name + "_" + letters(8);
        try (Connection admin = dataSource.getConnection(); Statement statement = admin.createStatement()) {
            statement.execute("create database " + database);
        }
        databases.add(database);
        return database;
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(postgres.getJdbcUrl("postgres", database), "postgres", null);
    }

    private Flyway flyway(String database) {
        return Flyway.configure().dataSource(postgres.getJdbcUrl("postgres", database), "postgres", null).load();
    }

    /** As the service migrated before each module had its own schema: the legacy scripts in one history, sign-in in its own. */
    private void migrateAsBefore(String database, String target) {
        var legacy = Flyway.configure().dataSource(postgres.getJdbcUrl("postgres", database), "postgres", null)
                .locations("classpath:db/legacy");
        if (target != null) {
            legacy.target(target);
        }
        legacy.load().migrate();
        Flyway.configure().dataSource(postgres.getJdbcUrl("postgres", database), "postgres", null)
                .locations("classpath:db/identity").table("identity_schema_history")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();
    }

    /** As a node starts now: the strategy Spring Boot's Flyway runs, on Boot's Flyway of that database. */
    private void migrateNow(String database, ModuleMigrations strategy) {
        strategy.migrate(flyway(database));
    }

    /** Rows in most tables of every module, as a running service would have written them. */
    private static void writeRepresentativeRows(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload,
                                                  payloadtype, timestamp)
                    values ('11111111-1111-4111-8111-111111111111', 0, 'User', 'e1', '{}'::bytea, '{"a":1}'::bytea,
                            'io.portalusers.api.user.UserCreated', '2024-01-01T00:00:00Z'),
                           ('11111111-1111-4111-8111-111111111111', 1, 'User', 'e2', null, '{"a":2}'::bytea,
                            'io.portalusers.api.user.UserDisabled', '2024-01-02T00:00:00Z');
                    insert into tokenentry (processorname, segment, token, tokentype, owner) values ('users', 0, 'tok'::bytea, 'T', 'n1');
                    insert into sagaentry (sagaid, sagatype, serializedsaga) values ('s1', 'RegistrationSaga', 'x'::bytea);
                    insert into associationvalueentry (associationkey, associationvalue, sagaid, sagatype)
                    values ('registrationId', 'r1', 's1', 'RegistrationSaga');
                    insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                    values ('expire-registration', 'r1', '2030-01-01T00:00:00Z', false, 1);
                    insert into idempotency_key (caller_id, idempotency_key, request_hash, status, body, created_at)
                    values ('22222222-2222-4222-8222-222222222222', 'k1', 'h'::bytea, 201, '{}'::bytea, now());
                    insert into organization_lookup values ('33333333-3333-4333-8333-333333333333', 'acme');
                    insert into username_lookup values ('11111111-1111-4111-8111-111111111111', 'alice');
                    insert into email_lookup values ('11111111-1111-4111-8111-111111111111', 'alice@example.com');
                    insert into actor values ('11111111-1111-4111-8111-111111111111', 'ORG_ADMIN', 'PORTAL', true);
                    insert into actor_membership values ('11111111-1111-4111-8111-111111111111',
                                                         '33333333-3333-4333-8333-333333333333', 'ORG_ADMIN');
                    insert into settings_lookup values ('portal', false, true, true);
                    insert into scheme_lookup values ('44444444-4444-4444-8444-444444444444', 'corp', 'OIDC', '[]');
                    insert into idp_subject_lookup values ('subject-hash', '44444444-4444-4444-8444-444444444444',
                                                           '55555555-5555-4555-8555-555555555555');
                    insert into invitation_lookup (token_hash, user_id, invitation_id, expires_at)
                    values ('th'::bytea, '11111111-1111-4111-8111-111111111111', '66666666-6666-4666-8666-666666666666',
                            '2030-01-01T00:00:00Z');
                    insert into invitation_outbox values ('66666666-6666-4666-8666-666666666666',
                                                          '11111111-1111-4111-8111-111111111111', 'raw', now());
                    insert into pending_account values ('11111111-1111-4111-8111-111111111111', 'alice', 'Alice', 'A');
                    insert into credential values ('11111111-1111-4111-8111-111111111111', '$argon2id$x', now());
                    insert into registration_organization_lookup values ('77777777-7777-4777-8777-777777777777', 'newco', 'bob');
                    insert into command_audit (recorded_at, actor_id, command, target_id, organizations, outcome)
                    values (now(), 'system', 'CreateUser', '11111111-1111-4111-8111-111111111111',
                            '{33333333-3333-4333-8333-333333333333}', 'ACCEPTED');
                    insert into organization_view values ('33333333-3333-4333-8333-333333333333', 'Acme', 'Gold', now(), now(), 0);
                    insert into settings_view values ('portal', false, true, true, now(), 3);
                    insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                           account_role, source, enabled, activation, created_at, updated_at, version,
                                           invitation_status, invitation_issued_at, invitation_expires_at, invitation_id)
                    values ('11111111-1111-4111-8111-111111111111', 'alice', 'alice@example.com', 'Alice', 'A', 'Alice A',
                            'en', 'ORG_USER', 'ORG_ADMIN', 'PORTAL', true, 'PENDING', now() - interval '2 days', now(), 1,
                            'ISSUED', now(), now() + interval '3 days', '66666666-6666-4666-8666-666666666666'),
                           ('88888888-8888-4888-8888-888888888888', 'root', 'root@example.com', 'Root', 'R', 'Root R',
                            'en', 'GLOBAL_PUBLISHER', 'PORTAL_ADMIN', 'PORTAL', true, 'ACTIVE', now(), now(), 4,
                            null, null, null, null);
                    insert into user_membership_view values ('11111111-1111-4111-8111-111111111111',
                                                             '33333333-3333-4333-8333-333333333333', 'ORG_ADMIN');
                    insert into registration_view (registration_id, username, email, first_name, last_name, language,
                                                   organization_name, status, awaits_approval, submitted_at, version)
                    values ('77777777-7777-4777-8777-777777777777', 'bob', 'bob@example.com', 'Bob', 'B', 'en', 'NewCo',
                            'PENDING', true, now(), 0);
                    insert into mail_outbox (message_id, kind, user_id, invitation_id, recipient, language, next_attempt_at,
                                             created_at)
                    values ('<invitation-1@portal-users>', 'ACTIVATION', '11111111-1111-4111-8111-111111111111',
                            '66666666-6666-4666-8666-666666666666', 'alice@example.com', 'en', now(), now()),
                           ('<reset-1@portal-users>', 'PASSWORD_RESET', '11111111-1111-4111-8111-111111111111', null,
                            'alice@example.com', 'en', now(), now());
                    insert into mail_recipient values ('11111111-1111-4111-8111-111111111111', 'alice', 'alice@example.com',
                                                       'Alice', 'A', 'en', 1);
                    insert into mail_link_token values ('<reset-1@portal-users>', '11111111-1111-4111-8111-111111111111', 'raw');
                    insert into password_reset values ('rh'::bytea, '99999999-9999-4999-8999-999999999999',
                                                       '11111111-1111-4111-8111-111111111111', now() + interval '1 hour');
                    insert into sign_in_audit (recorded_at, outcome, user_id) values (now(), 'SIGNED_IN',
                                                                                      '11111111-1111-4111-8111-111111111111');
                    """);
        }
    }

    /** Each table's rows (but the histories'), as one digest of their text in a fixed order. */
    private static Map<String, String> contents(Connection connection) throws SQLException {
        Map<String, String> contents = new LinkedHashMap<>();
        for (String table : rows(connection, """
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind = 'r' order by 1""")) {
            if (!HISTORIES.contains(table)) {
                contents.put(table, rows(connection, "select count(*) || ' ' || coalesce(md5(string_agg(t::text, "
                        + "E'\\n' order by t::text)), '') from " + table + " t").get(0));
            }
        }
        for (String sequence : rows(connection, "select sequencename from pg_sequences where schemaname = 'public' order by 1")) {
            contents.put(sequence, rows(connection, "select last_value || ' ' || is_called from " + sequence).get(0));
        }
        return contents;
    }

    private static List<String> history(Connection connection, String table) throws SQLException {
        return rows(connection, "select coalesce(version, 'R') || ' ' || type from " + table + " order by installed_rank");
    }

    private void assertSameSchema(String upgraded, String fresh) throws SQLException {
        Set<String> upgradedSchema;
        Set<String> freshSchema;
        try (Connection connection = connect(upgraded)) {
            upgradedSchema = describe(connection);
        }
        try (Connection connection = connect(fresh)) {
            freshSchema = describe(connection);
        }
        Set<String> onlyUpgraded = new TreeSet<>(upgradedSchema);
        onlyUpgraded.removeAll(freshSchema);
        Set<String> onlyFresh = new TreeSet<>(freshSchema);
        onlyFresh.removeAll(upgradedSchema);
        assertThat(onlyUpgraded).as("only in the upgraded database (" + upgraded + ")").isEmpty();
        assertThat(onlyFresh).as("only in the fresh database (" + fresh + ")").isEmpty();
        assertThat(freshSchema).hasSizeGreaterThan(500);
    }

    /** The schema {@code public} as the catalogs describe it, one line per fact, the histories left out. */
    private static Set<String> describe(Connection connection) throws SQLException {
        String ours = "n.nspname = 'public' and not exists (select from pg_depend e where e.objid = %s and e.deptype = 'e')";
        String notHistory = " not in ('flyway_schema_history', 'platform_schema_history', 'command_schema_history', "
                + "'query_schema_history', 'identity_schema_history')";
        Set<String> facts = new TreeSet<>();
        facts.addAll(rows(connection, "select 'extension ' || e.extname || ' ' || e.extversion || ' in ' || n.nspname "
                + "from pg_extension e join pg_namespace n on n.oid = e.extnamespace"));
        // relations: tables, views, sequences, indexes, with kind, persistence, storage options, owner and privileges
        facts.addAll(rows(connection, """
                select 'relation ' || c.relname || ' kind ' || c.relkind::text || ' persistence ' || c.relpersistence::text
                       || ' options ' || coalesce(c.reloptions::text, '-') || ' owner ' || pg_get_userbyid(c.relowner)
                       || ' acl ' || coalesce(c.relacl::text, '-') || ' access ' || coalesce(am.amname, '-')
                       || ' rowsecurity ' || c.relrowsecurity
                from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_am am on am.oid = c.relam
                where %s and c.relkind in ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'f', 'c')
                  and c.relname %s and c.relname not in ('flyway_schema_history_pk', 'flyway_schema_history_s_idx',
                      'platform_schema_history_pk', 'platform_schema_history_s_idx', 'command_schema_history_pk',
                      'command_schema_history_s_idx', 'query_schema_history_pk', 'query_schema_history_s_idx',
                      'identity_schema_history_pk', 'identity_schema_history_s_idx')"""
                .formatted(ours.formatted("c.oid"), notHistory)));
        // columns, in order, of every relation (indexes too: their statistics targets)
        facts.addAll(rows(connection, """
                select 'column ' || c.relname || ' #' || row_number() over (partition by c.oid order by a.attnum)
                       || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                       || case when a.attnotnull then ' not null' else '' end
                       || ' default ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
                       || ' identity ' || a.attidentity::text || ' generated ' || a.attgenerated::text
                       || ' collation ' || coalesce(co.collname, '-') || ' statistics ' || coalesce(a.attstattarget::text, '-')
                       || ' storage ' || a.attstorage::text || ' compression ' || a.attcompression::text
                       || ' options ' || coalesce(a.attoptions::text, '-') || ' acl ' || coalesce(a.attacl::text, '-')
                from pg_attribute a
                join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                left join pg_collation co on co.oid = a.attcollation and a.attcollation <> 0
                where %s and a.attnum > 0 and not a.attisdropped and c.relname %s
                  and c.relname not like '%%schema_history_pk' and c.relname not like '%%schema_history_s_idx'"""
                .formatted(ours.formatted("c.oid"), notHistory)));
        facts.addAll(rows(connection, """
                select 'constraint ' || c.conname || ' on ' || coalesce(r.relname, '-') || ' type ' || c.contype::text
                       || ' ' || pg_get_constraintdef(c.oid) || ' deferrable ' || c.condeferrable
                       || ' deferred ' || c.condeferred || ' validated ' || c.convalidated || ' index '
                       || coalesce(i.relname, '-')
                from pg_constraint c join pg_namespace n on n.oid = c.connamespace
                left join pg_class r on r.oid = c.conrelid left join pg_class i on i.oid = c.conindid
                where n.nspname = 'public' and coalesce(r.relname, '-') %s""".formatted(notHistory)));
        facts.addAll(rows(connection, """
                select 'index ' || c.relname || ' ' || pg_get_indexdef(x.indexrelid) || ' unique ' || x.indisunique
                       || ' primary ' || x.indisprimary || ' clustered ' || x.indisclustered || ' valid ' || x.indisvalid
                       || ' nulls not distinct ' || x.indnullsnotdistinct
                from pg_index x join pg_class c on c.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
                join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and t.relname %s""".formatted(notHistory)));
        facts.addAll(rows(connection, """
                select 'view ' || c.relname || ' ' || pg_get_viewdef(c.oid, true)
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('v', 'm')"""));
        facts.addAll(rows(connection, """
                select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
                       || pg_get_functiondef(p.oid) || ' owner ' || pg_get_userbyid(p.proowner)
                       || ' acl ' || coalesce(p.proacl::text, '-')
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                where %s""".formatted(ours.formatted("p.oid"))));
        facts.addAll(rows(connection, """
                select 'trigger ' || t.tgname || ' on ' || c.relname || ' ' || pg_get_triggerdef(t.oid, true)
                       || ' enabled ' || t.tgenabled::text
                from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and not t.tgisinternal"""));
        facts.addAll(rows(connection, """
                select 'sequence ' || s.sequencename || ' ' || s.data_type || ' start ' || s.start_value
                       || ' min ' || s.min_value || ' max ' || s.max_value || ' increment ' || s.increment_by
                       || ' cycle ' || s.cycle || ' cache ' || s.cache_size || ' owned by '
                       || coalesce((select t.relname || '.' || a.attname from pg_depend d
                                    join pg_class t on t.oid = d.refobjid
                                    join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                                    where d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
                                      and d.classid = 'pg_class'::regclass and d.deptype in ('a', 'i')), '-')
                from pg_sequences s where s.schemaname = 'public' and s.sequencename not like '%schema_history%'"""));
        facts.addAll(rows(connection, """
                select 'type ' || t.typname || ' ' || t.typtype::text
                from pg_type t join pg_namespace n on n.oid = t.typnamespace
                where %s and t.typtype in ('d', 'e', 'r', 'm')""".formatted(ours.formatted("t.oid"))));
        facts.addAll(rows(connection, """
                select 'rule ' || r.rulename || ' on ' || r.tablename || ' ' || r.definition
                from pg_rules r where r.schemaname = 'public'
                union all
                select 'policy ' || p.policyname || ' on ' || p.tablename || ' ' || p.cmd || ' ' || coalesce(p.qual, '-')
                from pg_policies p where p.schemaname = 'public'"""));
        // comments on relations, their columns and functions
        facts.addAll(rows(connection, """
                select 'comment ' || case d.classoid when 'pg_class'::regclass then 'on ' || c.relname
                                                    when 'pg_proc'::regclass then 'on function ' || p.proname
                                                    else 'on ' || d.classoid::regclass::text || ' ' || d.objoid end
                       || case when d.objsubid > 0 then '.' || a.attname else '' end || ': ' || d.description
                from pg_description d
                left join pg_class c on d.classoid = 'pg_class'::regclass and c.oid = d.objoid
                left join pg_proc p on d.classoid = 'pg_proc'::regclass and p.oid = d.objoid
                left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid
                left join pg_namespace n on n.oid = coalesce(c.relnamespace, p.pronamespace)
                where n.nspname = 'public'
                  and not exists (select from pg_depend e where e.objid = d.objoid and e.deptype = 'e')"""));
        return facts;
    }

    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
