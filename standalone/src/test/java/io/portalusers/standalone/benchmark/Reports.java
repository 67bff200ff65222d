package io.portalusers.standalone.benchmark;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * B6: the reports API's SQL on the structures it reads (the counts of V18 and the indexed
 * tables), against the same figures computed the plain way: the V12 views (aggregates over
 * every row) on copies of the tables without any index.
 */
final class Reports {

    private static final List<String> TABLES = List.of("user_view", "user_membership_view", "organization_view");
    /** The reporting views as V12 created them: aggregates over the rows, before V18 read them from counts. */
    private static final String V12 = "db/legacy/V12__reporting_views.sql";
    private static final int RUNS = 5;
    /** A query of the baseline that takes longer is stopped and reported as "more than". */
    static final int TIMEOUT_SECONDS = 60;

    private Reports() {
    }

    /** A median, and the result without its time-dependent columns (ages move while it runs). */
    record Timing(double medianMs, boolean timedOut, String result) {
    }

    /** What the API runs now ({@code ours}, schema public) and the plain way to the same figures (schema unindexed). */
    record Query(String ours, String baseline) {
    }

    /** Schema {@code unindexed}: copies of the tables without any index, and the V12 views over them. */
    static void prepareUnindexed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists unindexed cascade");
            statement.execute("create schema unindexed");
            for (String table : TABLES) {
                statement.execute("create table unindexed." + table + " as table public." + table);
                statement.execute("analyze unindexed." + table);
            }
            statement.execute("set search_path = unindexed, public");
            for (String view : v12Views()) {
                statement.execute(view);
            }
            statement.execute("set search_path = public");
            statement.execute("vacuum analyze report_user_counts, report_user_count_deltas, report_pending_counts, "
                    + "report_pending_count_deltas");
        }
    }

    /** The create view statements of V12 (its indexes are left out: the baseline has none). */
    private static List<String> v12Views() {
        try (var in = Reports.class.getClassLoader().getResourceAsStream(V12)) {
            String sql = new String(java.util.Objects.requireNonNull(in, V12).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            List<String> views = new ArrayList<>();
            for (String statement : sql.replaceAll("(?m)^\\s*--.*$", "").split(";")) {
                if (statement.strip().startsWith("create view")) {
                    views.add(statement.strip());
                }
            }
            return views;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The SQL ReportFigures runs for everything and for one organization, and the
     * plain SQL of the same figures; {@code two} is a second organization for the scope of an
     * Org Admin of two, which the API counts from the rows (a user in both counts once).
     */
    static Map<String, Query> queries(String organization, String two) {
        String members = "(select m.user_id from user_membership_view m where m.organization_id in ('" + organization + "'))";
        String both = "(select m.user_id from user_membership_view m where m.organization_id in ('" + organization
                + "', '" + two + "'))";
        String exactByState = "select state, category, account_role, count(*) as users from report_user_states s "
                + "where s.user_id in %s group by state, category, account_role order by state, category, account_role";
        Map<String, Query> queries = new LinkedHashMap<>();
        queries.put("users by state x category x role", same("select state, category, account_role, users "
                + "from report_users_by_state order by state, category, account_role"));
        queries.put("users by state, one organization", new Query("select state, category, account_role, "
                + "sum(users)::bigint as users from report_user_count_totals where organization_id in ('" + organization
                + "') group by state, category, account_role having sum(users) > 0 order by state, category, account_role",
                exactByState.formatted(members)));
        queries.put("organizations, first page of 20", same("select * from report_users_per_organization r where true "
                + "order by lower(r.name), r.organization_id limit 20 offset 0"));
        queries.put("organizations, one organization", same("select * from report_users_per_organization r "
                + "where r.organization_id in ('" + organization + "') order by lower(r.name), r.organization_id limit 20 offset 0"));
        queries.put("pending activations by age", same("select age_bucket, users from report_pending_activations_by_age "
                + "order by age_bucket"));
        queries.put("oldest 10 pending activations", same("select p.*, extract(epoch from p.age)::bigint as age_seconds "
                + "from report_pending_activations p where true order by p.created_at, p.user_id limit 10"));
        queries.put("pending by age, one organization", new Query("select age_bucket, users from report_pending_by_age('"
                + organization + "') order by age_bucket", "select b.age_bucket, count(p.user_id) as users "
                + "from (values ('< 1 day'), ('1-3 days'), ('3-7 days'), ('>= 7 days')) as b (age_bucket) "
                + "left join report_pending_activations p on p.age_bucket = b.age_bucket and p.user_id in " + members
                + " group by b.age_bucket order by b.age_bucket"));
        queries.put("oldest 10 pending, one organization", same("select p.*, extract(epoch from p.age)::bigint as age_seconds "
                + "from report_pending_activations p where p.user_id in " + members + " order by p.created_at, p.user_id limit 10"));
        queries.put("users by state, two organizations (exact, from the rows)", same(exactByState.formatted(both)));
        return queries;
    }

    private static Query same(String sql) {
        return new Query(sql, sql);
    }

    static Timing time(Connection connection, String searchPath, String sql) throws SQLException {
        // the caller's transaction (one now() for ours and the baseline): a timeout rolls back to here
        java.sql.Savepoint savepoint = connection.setSavepoint();
        try (Statement statement = connection.createStatement()) {
            statement.execute("set search_path = " + searchPath);
            statement.execute("set statement_timeout = '" + TIMEOUT_SECONDS + "s'");
            try {
                long started = System.nanoTime();
                String result = run(statement, sql);
                double warmUp = (System.nanoTime() - started) / 1e6;
                if (warmUp > 5_000) {
                    return new Timing(warmUp, false, result); // slow enough: one more run teaches nothing
                }
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < RUNS; i++) {
                    started = System.nanoTime();
                    result = run(statement, sql);
                    times.add((System.nanoTime() - started) / 1e6);
                }
                return new Timing(SearchRebuildReportsBenchmark.Latencies.percentile(times, 50), false, result);
            } catch (SQLException e) {
                if ("57014".equals(e.getSQLState())) {
                    connection.rollback(savepoint);
                    return new Timing(TIMEOUT_SECONDS * 1_000.0, true, null);
                }
                throw e;
            } finally {
                statement.execute("set statement_timeout = 0");
                statement.execute("set search_path = public");
            }
        }
    }

    private static String run(Statement statement, String sql) throws SQLException {
        StringBuilder result = new StringBuilder();
        try (ResultSet rs = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnLabel(i);
                    if (!column.equals("age") && !column.equals("age_seconds")) {
                        result.append(rs.getString(i)).append('|');
                    }
                }
                result.append('\n');
            }
        }
        return result.toString();
    }
}
