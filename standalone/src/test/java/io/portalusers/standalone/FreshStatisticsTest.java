package io.portalusers.standalone;

import io.portalusers.platform.schema.FreshStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table that more than doubled since its last analysis (by at least the 1,000 rows of
 * {@code portal.database.statistics.min-changes}) is analyzed by the node, one that grew less is
 * left to autovacuum. The probe tables have autovacuum off, so every analysis counted is the
 * node's ({@code analyze_count}, not {@code autoanalyze_count}).
 */
class FreshStatisticsTest extends ApiTest {

    @Autowired
    private FreshStatistics statistics;

    private final List<String> tables = new ArrayList<>();

    @AfterEach
    void dropProbes() {
        tables.forEach(table -> jdbc.sql("drop table if exists " + table).update());
    }

    @Test
    void a_table_that_filled_from_empty_is_analyzed_and_its_estimate_follows() {
        String table = probe();
        grow(table, 3_000);

        statistics.analyzeGrown();

        assertThat(analyzeCount(table)).isEqualTo(1);
        assertThat(estimate(table)).isEqualTo(3_000);
        // analyzed once: the next round finds nothing new in it
        assertThat(statistics.analyzeGrown()).doesNotContain(qualified(table));
        assertThat(analyzeCount(table)).isEqualTo(1);
    }

    @Test
    void a_table_that_changed_by_fewer_rows_than_the_minimum_is_left_alone() {
        String table = probe();
        grow(table, 900);

        assertThat(statistics.analyzeGrown()).doesNotContain(qualified(table));

        assertThat(analyzeCount(table)).isZero();
    }

    @Test
    void a_table_that_grew_but_did_not_double_is_left_to_autovacuum_until_it_does() {
        String table = probe();
        grow(table, 3_000);
        statistics.analyzeGrown();
        assertThat(analyzeCount(table)).isEqualTo(1);

        grow(table, 3_900); // 6,900 live rows: below twice 3,000 plus 1,000
        assertThat(statistics.analyzeGrown()).doesNotContain(qualified(table));
        assertThat(analyzeCount(table)).isEqualTo(1);

        grow(table, 1_100); // 8,000: past it (the node's own round may come first; either analyzes it once)
        statistics.analyzeGrown();
        assertThat(analyzeCount(table)).isEqualTo(2);
        assertThat(estimate(table)).isEqualTo(8_000);
    }

    private String probe() {
        String table = "fresh_statistics_probe_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("create table " + table + " (id bigint primary key) with (autovacuum_enabled = false)").update();
        tables.add(table);
        return table;
    }

    /** Inserts rows and waits until PostgreSQL's statistics count them (flushed once the backend is idle). */
    private void grow(String table, int rows) {
        long before = liveRows(table);
        jdbc.sql("insert into " + table + " select coalesce((select max(id) from " + table + "), 0) + g"
                + " from generate_series(1, :rows) g").param("rows", rows).update();
        jdbc.sql("select pg_stat_force_next_flush()").query().singleRow();
        await().atMost(Duration.ofSeconds(20)).until(() -> liveRows(table) == before + rows);
    }

    private String qualified(String table) {
        return jdbc.sql("select format('%I.%I', schemaname, relname) from pg_stat_user_tables where relname = :t")
                .param("t", table).query(String.class).single();
    }

    private long liveRows(String table) {
        return jdbc.sql("select coalesce((select n_live_tup from pg_stat_user_tables where relname = :t), 0)")
                .param("t", table).query(Long.class).single();
    }

    private long analyzeCount(String table) {
        return jdbc.sql("select analyze_count from pg_stat_user_tables where relname = :t")
                .param("t", table).query(Long.class).single();
    }

    private long estimate(String table) {
        return jdbc.sql("select reltuples::bigint from pg_class where relname = :t")
                .param("t", table).query(Long.class).single();
    }
}
