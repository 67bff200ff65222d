package io.portalusers.standalone.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.query.users.SearchSettings;
import io.portalusers.standalone.Api;
import io.portalusers.standalone.UserHistories;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmarks B1 (typeahead and search), B4 (rebuild of the users read model) and B6 (reports),
 * each against its baseline in the same run on the same data; their targets are stated in
 * benchmarks/README.md and in benchmarks/RESULTS-search-rebuild-reports.md.
 * Not a test: surefire's default includes skip it; benchmarks/README.md names the command that runs it.
 *
 * <p>System properties: {@code benchmark.users} (default 20,000; the record is 1,000,000),
 * {@code benchmark.terms} (1,000), {@code benchmark.results} (where the Markdown goes),
 * {@code benchmark.rebuildBaseline} (true; false leaves out B4's raw baseline, which folds every
 * user in memory in this JVM: a run under a heap cap measures the service's memory, not the
 * baseline's), {@code benchmark.keepSeconds} (0; more keeps the service and its database up that long after
 * the results are written, to read the plans of the terms measured: the file {@code kept-database.txt} beside the
 * results names the database's address, the service's port, a Portal Admin's token renewed every minute and
 * every common search's term and time; deleting it ends the wait).
 */
class SearchRebuildReportsBenchmark extends ServiceBenchmark {

    private static final int USERS = Integer.getInteger("benchmark.users", 20_000);
    private static final int TERMS = Integer.getInteger("benchmark.terms", 1_000);
    private static final Path RESULTS = Path.of(System.getProperty("benchmark.results",
            "target/benchmark/RESULTS-search-rebuild-reports.md"));
    private static final int SEARCH_BUDGET_SECONDS = Integer.getInteger("benchmark.searchBudgetSeconds", 3_600);
    private static final boolean REBUILD_BASELINE =
            Boolean.parseBoolean(System.getProperty("benchmark.rebuildBaseline", "true"));
    private static final int KEEP_SECONDS = Integer.getInteger("benchmark.keepSeconds", 0);
    private static final int PAGE = 20;
    private static final int SUGGESTIONS = 10;

    /** The service's cap of exact totals; the baseline counts to the same. */
    @Value("${portal.search.count-cap}")
    private int countCap;
    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    @Qualifier("eventSerializer")
    private Serializer serializer;
    @Autowired
    private DataSource dataSource;
    @Autowired
    @Qualifier("reconciliationRounds")
    private PeriodicTask reconciliation;
    @Autowired
    private SearchSettings search;
    @Autowired
    private MeterRegistry meters;

    private final Markdown out = new Markdown();

    @Test
    void search_rebuild_reports() throws Exception {
        // the scheduled reconciliation reads the whole log: not during measurements
        reconciliation.stop();
        // the search heads are built by this benchmark once the replay is done, timed (not by the node's own round)
        search.setHeadsBuild(false);
        out.machine(this::raw, ("-Dbenchmark.users=%d -Dbenchmark.terms=%d -Dbenchmark.searchBudgetSeconds=%d "
                + "-Dbenchmark.results=%s%s").formatted(USERS, TERMS, SEARCH_BUDGET_SECONDS, RESULTS,
                REBUILD_BASELINE ? "" : " -Dbenchmark.rebuildBaseline=false"));
        try (Connection connection = raw()) {
            UsersDataSet data = new UsersDataSet(USERS);
            StreamingEventProcessor users = processing.eventProcessor("users", StreamingEventProcessor.class).orElseThrow();
            users.shutDown();
            long generated = generate(connection, data);
            data.insertOrganizations(connection);
            awaitOthersCaughtUp(connection);
            rebuild(connection, users, generated);
            analyze(connection);
            search(connection);
            reports(connection);
        } finally {
            out.write(RESULTS);
        }
        keepForInspection();
    }

    /** The common searches timed by {@link #search}, with how each page was read. */
    private final List<Timed> commonSearches = new ArrayList<>();

    private void keepForInspection() throws Exception {
        if (KEEP_SECONDS <= 0) {
            return;
        }
        Path kept = RESULTS.resolveSibling("kept-database.txt");
        long until = System.nanoTime() + KEEP_SECONDS * 1_000_000_000L;
        String url = dataSource.unwrap(HikariDataSource.class).getJdbcUrl();
        List<String> searches = commonSearches.stream().map(timed -> "%s\t%s\t%.1f\t%s".formatted(
                timed.term().field(), timed.term().text(), timed.searchMs(), timed.read())).toList();
        do {
            Files.write(kept, Stream.concat(Stream.of("url=" + url, "port=" + port, "token=" + adminToken()),
                    searches.stream()).toList());
            Thread.sleep(Math.min(60_000, Math.max(0, (until - System.nanoTime()) / 1_000_000)));
        } while (System.nanoTime() < until && Files.exists(kept));
    }

    // ---------------------------------------------------------------- data

    private long generate(Connection connection, UsersDataSet data) throws SQLException {
        long started = System.nanoTime();
        // realistic order: a user's later events interleaved with the next users' (UserHistories.log)
        long events = data.appendEvents(connection, serializer);
        double seconds = (System.nanoTime() - started) / 1e9;
        out.line("Generated %,d users, %,d events (COPY into the event table in Axon's row format, "
                + "Axon's serializer) in %.1f s; %,d organizations.", data.users(), events, seconds, data.organizations());
        return events;
    }

    /**
     * The other processors (notifier, organizations, registrations, ...) read the generated log
     * too: until they are done they take the CPU the replay and its baseline would have. A
     * rebuild in production meets them idle, caught up.
     */
    private void awaitOthersCaughtUp(Connection connection) throws Exception {
        long head = (long) single(connection, "select max(globalindex) from domainevententry");
        long started = System.nanoTime();
        List<StreamingEventProcessor> others = processing.eventProcessors().entrySet().stream()
                .filter(entry -> !entry.getKey().equals("users") && entry.getValue() instanceof StreamingEventProcessor)
                .map(entry -> (StreamingEventProcessor) entry.getValue())
                .filter(StreamingEventProcessor::isRunning)
                .toList();
        while (!others.stream().allMatch(processor -> !processor.processingStatus().isEmpty()
                && processor.processingStatus().values().stream()
                .allMatch(segment -> segment.getCurrentPosition().orElse(0) >= head))) {
            Thread.sleep(500);
        }
        out.line("The service's other %d event processors read the generated log before the rebuild starts: caught up "
                + "after %.1f s (a rebuild in production meets them idle).", others.size(),
                (System.nanoTime() - started) / 1e9);
    }

    // ---------------------------------------------------------------- B4

    private void rebuild(Connection connection, StreamingEventProcessor users, long generated) throws Exception {
        long head = (long) single(connection, "select max(globalindex) from domainevententry");
        long all = (long) single(connection, "select count(*) from domainevententry");
        long started = System.nanoTime();
        users.resetTokens();
        users.start();
        double replayedAt = Double.NaN;
        while (true) {
            JsonNode status = api.get("/api/admin/projections/users").token(admin).send().json();
            if (Double.isNaN(replayedAt) && !status.get("replaying").asBoolean() && status.get("progress").asDouble() >= 1.0) {
                replayedAt = (System.nanoTime() - started) / 1e9;
            }
            if (status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean()
                    && status.get("progress").asDouble() >= 1.0) {
                break;
            }
            Thread.sleep(200);
        }
        double projection = (System.nanoTime() - started) / 1e9;
        Thread.sleep(1_500); // the statistics collector's delay
        long[] writes = rowWrites(connection);

        assertThat((long) single(connection, "select count(*) from user_view")).isGreaterThanOrEqualTo(USERS);
        double baseline = Double.NaN;
        long rawRows = 0;
        if (REBUILD_BASELINE) {
            started = System.nanoTime();
            Baseline.rebuild(connection, serializer);
            baseline = (System.nanoTime() - started) / 1e9;
            rawRows = (long) single(connection, "select count(*) from bench_user_view");
            String projected = (String) single(connection, "select md5(string_agg(md5(u::text), '' order by user_id)) "
                    + "from user_view u where user_id in (select user_id from bench_user_view)");
            String raw = (String) single(connection, "select md5(string_agg(md5(u::text), '' order by user_id)) "
                    + "from bench_user_view u");
            assertThat(raw).as("the baseline folds the same rows").isEqualTo(projected);
        }

        // the replay kept no search heads (db/query V7): built once from the view, as the node does when it is done
        long headsStarted = System.nanoTime();
        boolean headsBuilt = (boolean) single(connection, "select search_heads_build_if_missing()");
        double headsSeconds = (System.nanoTime() - headsStarted) / 1e9;
        assertThat(headsBuilt).as("the heads were left unbuilt by the reset").isTrue();

        double ours = all / projection;
        double theirs = all / baseline;
        out.section("B4 rebuild of the users read model");
        out.line("Reset and replay of the `users` pooled processor over the whole log (%,d events up to global index "
                + "%,d; %,d of them user events; each user's later events spread over the next %,d users' creations): "
                + "the processor as configured (4 segments, batches of up to 1,000 events folded in memory, the rows held "
                + "from batch to batch and written every 50,000 events of a segment, the token stored with them), into tables aside the view with its primary keys only; then "
                + "the view's indexes built on them and the tables swapped in (db/query V10), timed to the swap. Baseline in the same run: keyset read of the event table "
                + "(pages of 10,000), Axon's serializer, fold in memory, batched upsert (1,000 rows a statement) of the "
                + "final rows into "
                + "copies of `user_view` and `user_membership_view` with all their indexes.", all, head, generated,
                (UserHistories.EVENTS_PER_USER - 1) * UserHistories.SPREAD);
        out.table("", "events", "seconds", "events/s");
        out.row("users processor: replay aside the view", "%,d".formatted(all), "%.1f".formatted(replayedAt),
                "%,.0f".formatted(all / replayedAt));
        out.row("users processor: replay, indexes, swap", "%,d".formatted(all), "%.1f".formatted(projection),
                "%,.0f".formatted(ours));
        if (REBUILD_BASELINE) {
            out.row("raw baseline", "%,d".formatted(all), "%.1f".formatted(baseline), "%,.0f".formatted(theirs));
            out.line("");
            out.line("Ratio %.2fx of the baseline (target >= 0.6x) and %,.0f events/s (target >= 10,000): %s. %s",
                    ours / theirs, ours, ours / theirs >= 0.6 && ours >= 10_000 ? "met" : "NOT met",
                    "The baseline's %,d rows equal the projection's (md5 over every row).".formatted(rawRows));
        } else {
            out.line("");
            out.line("Raw baseline left out in this run (-Dbenchmark.rebuildBaseline=false: it folds every user in "
                    + "memory in this JVM), so no ratio; %,.0f events/s (target >= 10,000).", ours);
        }
        out.line("");
        out.line("Row writes of the replay in the table aside the view, swapped in as `user_view`: %,d inserts, "
                + "%,d updates, %,d of them HOT (no index entry written).", writes[0], writes[1], writes[2]);
        out.line("");
        out.line("The replay keeps no search heads; built once from the replayed view afterwards "
                + "(`search_heads_build_if_missing()`, the users processor's writes waiting): %.1f s.", headsSeconds);
    }

    /** Inserts, updates and HOT updates of user_view so far, as the statistics collector has them. */
    private static long[] rowWrites(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("select n_tup_ins, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables "
                     + "where relname = 'user_view'")) {
            rs.next();
            return new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    private static void analyze(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop table if exists bench_user_membership_view, bench_user_view");
        }
        UsersDataSet.vacuumAnalyze(connection);
    }

    // ---------------------------------------------------------------- B1

    private record Term(String field, String text) {
    }

    private void search(Connection connection) throws Exception {
        List<Term> terms = Terms.pick(connection, TERMS, 7);
        Map<String, Latencies> latencies = new LinkedHashMap<>();
        int unequal = 0;
        List<String> differences = new ArrayList<>();
        // warm-up: caches, JIT, plans
        for (Term term : terms.subList(0, Math.min(20, terms.size()))) {
            ours(term);
            naive(connection, term);
        }
        long budget = System.nanoTime() + SEARCH_BUDGET_SECONDS * 1_000_000_000L;
        int planned = terms.size();
        for (int index = 0; index < planned; index++) {
            Term term = terms.get(index);
            if (System.nanoTime() > budget) {
                terms = terms.subList(0, index);
                break;
            }
            Result naive = naive(connection, term);
            Map<String, Double> before = pagesRead();
            Result ours = ours(term);
            String kind = UsersDataSet.kind(naive.total(), naive.capped());
            if (kind.equals("common")) {
                Map<String, Double> after = pagesRead();
                String read = after.keySet().stream().filter(how -> after.get(how) > before.getOrDefault(how, 0.0))
                        .reduce((a, b) -> a + "+" + b).orElse("counted");
                commonSearches.add(new Timed(term, ours.searchMs(), read));
            }
            latencies.computeIfAbsent(kind + " search", k -> new Latencies()).add(ours.searchMs(), naive.searchMs());
            latencies.computeIfAbsent(kind + " typeahead", k -> new Latencies()).add(ours.suggestMs(), naive.suggestMs());
            latencies.computeIfAbsent(kind + " terms", k -> new Latencies()).add(0, 0);
            if (!naive.sameAs(ours)) {
                unequal++;
                if (differences.size() < 10) {
                    differences.add(term + ": ours " + ours + " naive " + naive);
                }
            }
        }
        long special = terms.stream().filter(t -> t.text().matches(".*[.@%_\\-'+].*")).count();
        out.section("B1 typeahead and search");
        if (terms.size() < planned) {
            out.line("Time budget (%d s) spent after %,d of the %,d planned terms; the figures are those of the %,d.",
                    SEARCH_BUDGET_SECONDS, terms.size(), planned, terms.size());
            out.line("");
        }
        out.line("%,d terms (%,d with `. @ - %% _ ' +`), lengths 3-12, taken from the names and emails of the data at "
                + "random offsets, plus made-up ones; each run through the service (HTTP, Portal Admin: the page "
                + "`GET /api/users?name|email=...` of %d with its total, and the typeahead `/api/users/suggestions` of %d) "
                + "and through the naive baseline over JDBC, once each: `ILIKE '%%term%%'` on the same column, same order "
                + "(`lower(column) collate \"C\"`, then the id; the typeahead's starting with the term first), same page "
                + "size, total counted to the same cap (%,d). Kind by the number of matches: rare <= 100, medium <= "
                + "%,d, common above. Latency in ms; the service's includes HTTP and JSON.",
                terms.size(), special, PAGE, SUGGESTIONS, countCap, countCap);
        out.table("kind", "terms", "ours p50", "ours p95", "naive p50", "naive p95", "p95 ratio", "target");
        boolean met = true;
        for (Map.Entry<String, Latencies> entry : latencies.entrySet()) {
            if (entry.getKey().endsWith("terms")) {
                continue;
            }
            Latencies l = entry.getValue();
            boolean common = entry.getKey().startsWith("common");
            double ratio = l.ours(95) / l.naive(95);
            boolean ok = ratio <= (common ? 0.2 : 0.05) && l.ours(95) <= 25;
            met &= ok;
            out.row(entry.getKey(), "%d".formatted(l.size()), "%.1f".formatted(l.ours(50)), "%.1f".formatted(l.ours(95)),
                    "%.1f".formatted(l.naive(50)), "%.1f".formatted(l.naive(95)), "%.3fx".formatted(ratio),
                    (common ? "<= 0.2x" : "<= 0.05x") + ", <= 25 ms: " + (ok ? "met" : "NOT met"));
        }
        out.line("");
        slowestAndSplitOff(commonSearches);
        out.line("Results equal to the baseline (ids of the page in order, the typeahead's ids in order, total and its "
                + "lower-bound flag): %,d of %,d terms%s. Targets overall: %s.", terms.size() - unequal, terms.size(),
                unequal == 0 ? "" : " — differences: " + differences, met && unequal == 0 ? "met" : "NOT all met");
        assertThat(differences).as("results equal for every term").isEmpty();
    }

    /** A common term's search, and how its page was read (the tags of {@code portal.search.common.pages} it counted). */
    private record Timed(Term term, double searchMs, String read) {
    }

    private Map<String, Double> pagesRead() {
        Map<String, Double> read = new HashMap<>();
        meters.find("portal.search.common.pages").counters()
                .forEach(counter -> read.put(counter.getId().getTag("read"), counter.count()));
        return read;
    }

    /**
     * The slowest common searches and how their pages were read; then every common search again with
     * the page split at the term off and on, in turn, to compare the two on the same terms.
     */
    private void slowestAndSplitOff(List<Timed> common) {
        if (common.isEmpty()) {
            return;
        }
        out.line("Slowest common searches (ms, how the page was read): " + common.stream()
                .sorted(Comparator.comparingDouble(Timed::searchMs).reversed()).limit(8)
                .map(t -> "`%s` (%s) %.1f %s".formatted(t.term().text(), t.term().field(), t.searchMs(), t.read()))
                .collect(Collectors.joining(", ")) + ".");
        out.line("");
        Latencies off = new Latencies();
        Latencies on = new Latencies();
        for (Timed timed : common) {
            search.setSplit(false);
            double without = ours(timed.term()).searchMs();
            search.setSplit(true);
            off.add(without, 0);
            on.add(ours(timed.term()).searchMs(), 0);
        }
        out.line("The %d common searches again, each with `portal.search.split` off and then on: p50 / p95 %.1f / %.1f ms "
                + "off, %.1f / %.1f ms on.", common.size(), off.ours(50), off.ours(95), on.ours(50), on.ours(95));
        out.line("");
    }

    private record Result(List<String> page, List<String> suggestions, long total, boolean capped,
                          double searchMs, double suggestMs) {
        boolean sameAs(Result other) {
            return page.equals(other.page) && suggestions.equals(other.suggestions) && total == other.total
                    && capped == other.capped;
        }

        @Override
        public String toString() {
            return "page " + page.size() + " total " + total + (capped ? "+" : "") + " suggestions " + suggestions.size();
        }
    }

    private Result ours(Term term) {
        String query = term.field() + "=" + URLEncoder.encode(term.text(), StandardCharsets.UTF_8);
        long started = System.nanoTime();
        Api.Response page = api.get("/api/users?" + query + "&size=" + PAGE + "&sort=" + sortOf(term)).token(admin).send();
        double searchMs = (System.nanoTime() - started) / 1e6;
        started = System.nanoTime();
        Api.Response suggestions = api.get("/api/users/suggestions?" + query + "&limit=" + SUGGESTIONS).token(admin).send();
        double suggestMs = (System.nanoTime() - started) / 1e6;
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(suggestions.status()).as(suggestions.body()).isEqualTo(200);
        List<String> ids = page.json().get("items").findValuesAsText("id");
        List<String> suggested = new ArrayList<>();
        suggestions.json().forEach(s -> suggested.add(s.get("id").asText()));
        return new Result(ids, suggested, page.json().get("total").asLong(),
                page.json().get("totalIsLowerBound").asBoolean(), searchMs, suggestMs);
    }

    private static String sortOf(Term term) {
        return term.field().equals("name") ? "name" : "email";
    }

    /** The naive scan: ILIKE over the column, the same page, order and capped count. */
    private Result naive(Connection connection, Term term) throws SQLException {
        String column = term.field().equals("name") ? "full_name" : "email";
        String escaped = term.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        long started = System.nanoTime();
        String order = "lower(" + column + ") collate \"C\", user_id";
        List<String> page = ids(connection, "select user_id from user_view where " + column + " ilike ? order by "
                + order + " limit " + PAGE, "%" + escaped + "%");
        long counted;
        try (PreparedStatement count = connection.prepareStatement("select count(*) from (select 1 from user_view where "
                + column + " ilike ? limit " + (countCap + 1) + ") c")) {
            count.setString(1, "%" + escaped + "%");
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                counted = rs.getLong(1);
            }
        }
        double searchMs = (System.nanoTime() - started) / 1e6;
        started = System.nanoTime();
        List<String> suggestions = ids(connection, "select user_id from user_view where " + column + " ilike ? order by "
                + column + " ilike ? desc, " + order + " limit " + SUGGESTIONS,
                "%" + escaped + "%", escaped + "%");
        double suggestMs = (System.nanoTime() - started) / 1e6;
        return new Result(page, suggestions, Math.min(counted, countCap), counted > countCap, searchMs, suggestMs);
    }

    private static List<String> ids(Connection connection, String sql, String... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    // ---------------------------------------------------------------- B6

    private void reports(Connection connection) throws SQLException {
        Reports.prepareUnindexed(connection);
        List<String> largest = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("""
                select organization_id::text from user_membership_view group by organization_id order by count(*) desc limit 2""")) {
            while (rs.next()) {
                largest.add(rs.getString(1));
            }
        }
        Map<String, Reports.Query> queries = Reports.queries(largest.get(0), largest.get(1));
        out.section("B6 reports");
        out.line("The reports API's queries as a Portal Admin (everything) and as the Org Admin of the largest "
                + "organization (and of the two largest: that scope is counted from the rows, a user in both counting "
                + "once), on what the API reads since V18: the counts kept by triggers (`report_user_counts`, "
                + "`report_pending_counts` and their deltas; pending by age sums whole hours of the counts and reads only "
                + "the hour of each bound through the partial index), and the indexed tables for the lists. Baseline: the "
                + "same figures computed the plain way, the V12 views (aggregates over every row) over copies of "
                + "`user_view`, `user_membership_view` and `organization_view` without any index (schema `unindexed`, "
                + "analyzed). Both in one transaction (one `now()`, so the ages agree). Median of 5 runs after one "
                + "warm-up, ms; results compared.");
        out.table("query", "ours", "unindexed", "speed-up", "target >= 10x");
        int met = 0;
        connection.setAutoCommit(false);
        try {
            for (Map.Entry<String, Reports.Query> query : queries.entrySet()) {
                Reports.Timing ours = Reports.time(connection, "public", query.getValue().ours());
                Reports.Timing unindexed = Reports.time(connection, "unindexed, public", query.getValue().baseline());
                if (!unindexed.timedOut()) {
                    assertThat(ours.result()).as(query.getKey()).isEqualTo(unindexed.result());
                }
                double speedUp = unindexed.medianMs() / ours.medianMs();
                met += speedUp >= 10 ? 1 : 0;
                String more = unindexed.timedOut() ? "> " : "";
                out.row(query.getKey(), "%.2f".formatted(ours.medianMs()), more + "%.1f".formatted(unindexed.medianMs()),
                        more + "%.1fx".formatted(speedUp), speedUp >= 10 ? "met" : "NOT met");
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        out.line("");
        out.line("%d of %d queries meet the target; every result equals the unindexed one (where that one finished "
                + "within %d s; \"> \" marks those stopped there).", met, queries.size(), Reports.TIMEOUT_SECONDS);
    }

    // ---------------------------------------------------------------- helpers

    /** A connection of its own, without the service's statement timeout, batching inserts. */
    private Connection raw() throws SQLException {
        return UsersDataSet.raw(dataSource);
    }

    @SuppressWarnings("unchecked")
    static <T> T single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return (T) rs.getObject(1);
        }
    }

    /** Latencies of ours and of the baseline, in ms. */
    static final class Latencies {
        private final List<Double> ours = new ArrayList<>();
        private final List<Double> naive = new ArrayList<>();

        void add(double oursMs, double naiveMs) {
            ours.add(oursMs);
            naive.add(naiveMs);
        }

        int size() {
            return ours.size();
        }

        double ours(int percentile) {
            return percentile(ours, percentile);
        }

        double naive(int percentile) {
            return percentile(naive, percentile);
        }

        static double percentile(List<Double> values, int percentile) {
            return Markdown.percentile(values, percentile);
        }
    }

    /** The terms of B1: substrings of real names and emails, and made-up ones. */
    static final class Terms {
        static List<Term> pick(Connection connection, int count, long seed) throws SQLException {
            Random random = new Random(seed);
            List<String> names = new ArrayList<>();
            List<String> emails = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("select full_name, email from user_view tablesample system (1) "
                         + "limit " + Math.max(count, 2_000))) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    emails.add(rs.getString(2));
                }
            }
            List<Term> terms = new ArrayList<>();
            String[] fixed = {"smi", "Smith", "son", "john", "Rob", "ber", "Robert Sm", "o'b", "O'Brien", "mith-jo",
                    "müller", "zoë", "josé", "a-m", "example.com", "@example.com", "@exa", ".com", "e.c", "mail.ex",
                    "%sm", "_sm", "+news", "s+n", "n_s", "s%j", "j-s", ".sm", "ple.co", "corp.example", "acme-wid",
                    "zzzq", "qqx", "%%%", "___", "@@@", "a.b", "x-y-z", "no-one-here", "100", ".co", "-a-", "%_\\",
                    "a%b", "s.j", "ller", "é s", "@ex", "son@", "le.co"};
            for (String text : fixed) {
                if (terms.size() < count) {
                    terms.add(new Term(text.contains("@") || text.contains(".c") || text.contains("+") ? "email" : "name", text));
                }
            }
            while (terms.size() < count) {
                int kind = random.nextInt(10);
                int length = 3 + random.nextInt(10);
                if (kind == 0) {
                    terms.add(new Term(random.nextBoolean() ? "name" : "email", madeUp(random, length)));
                    continue;
                }
                boolean byName = kind <= 4;
                String source = (byName ? names : emails).get(random.nextInt(names.size()));
                if (source.length() < 3) {
                    continue;
                }
                int from = random.nextInt(Math.max(1, source.length() - 2));
                String text = source.substring(from, Math.min(source.length(), from + length)).strip();
                if (text.codePointCount(0, text.length()) >= 3) {
                    terms.add(new Term(byName ? "name" : "email", random.nextInt(3) == 0 ? text.toUpperCase() : text));
                }
            }
            return terms;
        }

        private static String madeUp(Random random, int length) {
            String alphabet = "abcdefghijklmnopqrstuvwxyz.-_%@";
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return text.toString();
        }
    }

}
