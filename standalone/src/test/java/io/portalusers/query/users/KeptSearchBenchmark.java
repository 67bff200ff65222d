package io.portalusers.query.users;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserSource;
import io.portalusers.platform.actor.Actor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The common searches of a search benchmark run again, in this JVM, by the search's own code
 * against the database that run kept up ({@code -Dbenchmark.keepSeconds}): to compare two
 * versions of the search on the same million users without generating them again, run it at
 * each version in turn while the database stays up. No HTTP, no Spring context: the query side's
 * search classes over a pool of two connections, with the service's default search settings.
 *
 * <p>Not a test: surefire's default includes skip it. System properties: {@code benchmark.kept}
 * (the {@code kept-database.txt} that run wrote), {@code benchmark.rounds} (9: each term's time
 * is the median of as many runs, after three passes over all the terms to warm up).
 */
class KeptSearchBenchmark {

    private static final Path KEPT = Path.of(System.getProperty("benchmark.kept", "target/benchmark/kept-database.txt"));
    private static final int ROUNDS = Integer.getInteger("benchmark.rounds", 9);

    /** A common search as the benchmark timed it: field, term, its milliseconds there, how its page was read. */
    private record Timed(String field, String term, String thenMs, String read) {
        UserSearch.Query query() {
            return new UserSearch.Query(field.equals("name") ? term : null, field.equals("email") ? term : null,
                    null, null, null, null, null, 0, 20, field);
        }
    }

    @Test
    void common_searches_on_the_kept_database() throws Exception {
        List<String> lines = Files.readAllLines(KEPT);
        String url = lines.get(0).substring("url=".length());
        List<Timed> terms = lines.subList(3, lines.size()).stream().map(line -> line.split("\t"))
                .map(f -> new Timed(f[0], f[1], f[2], f[3])).toList();
        assertThat(terms).as("common searches in " + KEPT).isNotEmpty();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            pool.setUsername("postgres");
            pool.setMaximumPoolSize(2);
            JdbcClient jdbc = JdbcClient.create(pool);
            // the service's own defaults of portal.search.*, as the query side loads them
            SearchSettings settings = new Binder(ConfigurationPropertySources.from(new ResourcePropertySource(
                    new ClassPathResource("query-side-defaults.properties")))).bind("portal.search", SearchSettings.class).get();
            SearchKeySample sample = new SearchKeySample(jdbc);
            sample.refresh();
            UserSearch search = new UserSearch(new SearchQueries(jdbc, pool, new DataSourceTransactionManager(pool),
                    settings, sample, new SimpleMeterRegistry()));
            Actor admin = new Actor(UserId.of(UUID.randomUUID().toString()), Role.PORTAL_ADMIN, UserSource.PORTAL, true, List.of());
            for (int pass = 0; pass < 3; pass++) {
                terms.forEach(term -> search.search(admin, term.query()));
            }
            double[] medians = new double[terms.size()];
            StringBuilder out = new StringBuilder("| field | term | then, ms (over HTTP) | read | now, median ms | total |\n|---|---|---|---|---|---|\n");
            for (int i = 0; i < terms.size(); i++) {
                Timed term = terms.get(i);
                double[] ms = new double[ROUNDS];
                long total = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    long started = System.nanoTime();
                    total = search.search(admin, term.query()).total();
                    ms[round] = (System.nanoTime() - started) / 1e6;
                }
                Arrays.sort(ms);
                medians[i] = ms[ROUNDS / 2];
                out.append("| %s | `%s` | %s | %s | %.1f | %d |%n".formatted(term.field(), term.term(), term.thenMs(),
                        term.read(), medians[i], total));
            }
            Arrays.sort(medians);
            out.append("%n%s: %d common searches, each the median of %d runs in process: p50 %.1f ms, p95 %.1f ms%n".formatted(
                    Instant.now(), terms.size(), ROUNDS, percentile(medians, 50), percentile(medians, 95)));
            System.out.println(out);
            Path results = Path.of(System.getProperty("benchmark.results", "target/benchmark/kept-search.md"));
            Files.createDirectories(results.toAbsolutePath().getParent());
            Files.writeString(results, out);
        }
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
