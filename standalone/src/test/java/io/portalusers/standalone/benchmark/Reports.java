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

/** B6: the reports API's SQL, on the views over indexed tables and over unindexed copies of them. */
final class Reports {

    private static final List<String> TABLES = List.of("user_view", "user_membership_view", "organization_view");
    private static final List<String> VIEWS = List.of("report_user_states", "report_users_by_state",
            "report_users_per_organization", "report_pending_activations", "report_pending_activations_by_age");
    private static final int RUNS = 5;
    /** A query of the baseline that takes longer is stopped and reported as "more than". */
    static final int TIMEOUT_SECONDS = 60;

    private Reports() {
    }

    /** A median, and the result without its time-dependent columns (ages move while it runs). */
    record Timing(double medianMs, boolean timedOut, String result) {
    }

    /** Schema {@code unindexed}: copies of the tables without any index, and the same views over them. */
    static void prepareUnindexed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop schema if exists unindexed cascade");
            statement.execute("create schema unindexed");
            for (String table : TABLES) {
                statement.execute("create table unindexed." + table + " as table public." + table);
                statement.execute("analyze unindexed." + table);
            }
            for (String view : VIEWS) {
                statement.execute("set search_path = public");
                String definition;
                try (ResultSet rs = statement.executeQuery("select pg_get_viewdef('public." + view + "'::regclass)")) {
                    rs.next();
                    definition = rs.getString(1);
                }
                statement.execute("set search_path = unindexed, public");
                statement.execute("create view unindexed." + view + " as " + definition);
            }
            statement.execute("set search_path = public");
        }
    }

    /** The SQL ReportsQueryController runs, for everything and for one organization. */
    static Map<String, String> queries(String organization) {
        String members = "(select m.user_id from user_membership_view m where m.organization_id in ('" + organization + "'))";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("users by state x category x role", "select state, category, account_role, users "
                + "from report_users_by_state order by state, category, account_role");
        queries.put("users by state, one organization", "select state, category, account_role, count(*) as users "
                + "from report_user_states s where s.user_id in " + members
                + " group by state, category, account_role order by state, category, account_role");
        queries.put("organizations, first page of 20", "select * from report_users_per_organization r where true "
                + "order by lower(r.name), r.organization_id limit 20 offset 0");
        queries.put("organizations, one organization", "select * from report_users_per_organization r "
                + "where r.organization_id in ('" + organization + "') order by lower(r.name), r.organization_id limit 20 offset 0");
        queries.put("pending activations by age", "select age_bucket, count(*) as users from report_pending_activations p "
                + "where true group by age_bucket order by age_bucket");
        queries.put("oldest 10 pending activations", "select p.*, extract(epoch from p.age)::bigint as age_seconds "
                + "from report_pending_activations p where true order by p.created_at, p.user_id limit 10");
        queries.put("pending by age, one organization", "select age_bucket, count(*) as users from report_pending_activations p "
                + "where p.user_id in " + members + " group by age_bucket order by age_bucket");
        queries.put("oldest 10 pending, one organization", "select p.*, extract(epoch from p.age)::bigint as age_seconds "
                + "from report_pending_activations p where p.user_id in " + members + " order by p.created_at, p.user_id limit 10");
        return queries;
    }

    static Timing time(Connection connection, String searchPath, String sql) throws SQLException {
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
