package io.portalusers.standalone.benchmark;

import io.portalusers.platform.chain.ChainHash;
import io.portalusers.platform.chain.ChainVerifier;
import io.portalusers.platform.chain.EventSealer;
import io.portalusers.standalone.Api;
import io.portalusers.standalone.OwnContextTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hash chain's verification against the raw read rate (target: at least 0.5x): on a log
 * of {@code benchmark.events} events (default 5,000,000), the same columns read in the same
 * order through JDBC with nothing done to them, then the whole chain verified, each
 * {@code benchmark.rounds} times (default 2) alternately; the sealing of the whole log once,
 * too. Not a test: its name keeps it out of {@code mvn verify}; run it on purpose with
 * <pre>nice -n 10 mvn -o -B -pl standalone -am test -Dtest=HashChainBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.events=5000000</pre>
 * It writes {@code target/benchmark/hash-chain.md} (copied to benchmarks/hash-chain.md).
 *
 * <p>The events are copies of the events a user created through the API left (their payload
 * and metadata, sizes as in a live log), each under an aggregate of its own, appended straight
 * into the table in one statement per million. The service's own sealer stays idle (interval
 * one hour): the benchmark seals with the same class, timed.
 */
class HashChainBenchmark extends OwnContextTest {

    private static final Path RESULTS = Path.of("target/benchmark/hash-chain.md");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "hash-chain-benchmark");
        registry.add("portal.audit.chain.interval", () -> "1h");
    }

    @Autowired
    private DataSource dataSource;
    @Value("${benchmark.events:5000000}")
    private long events;
    @Value("${benchmark.rounds:2}")
    private int rounds;

    @Test
    void verification_against_the_raw_read() throws Exception {
        Api.Response created = api().post("/api/users", """
                {"username": "bench", "email": "bench@example.com", "firstName": "Bench", "lastName": "Mark",
                 "role": "API_OWNER", "notify": false}""").token(adminToken()).send();
        assertThat(created.status()).isEqualTo(201);
        String url;
        try (Connection connection = dataSource.getConnection()) {
            url = connection.getMetaData().getURL();
        }
        Markdown md = new Markdown();
        md.machine("Hash chain: verification against the raw read",
                "nice -n 10 mvn -o -B -pl standalone -am test -Dtest=HashChainBenchmark "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.events=" + events,
                () -> DriverManager.getConnection(url, "postgres", null),
                "none: the verifier and the sealer run in the benchmark's JVM on a JDBC connection of their own");
        // a connection without the pool's statement timeout, and without the append bound's trigger
        try (Connection c = DriverManager.getConnection(url, "postgres", null)) {
            long start = System.nanoTime();
            populate(c);
            double populate = seconds(start);
            long rows = single(c, "select count(*) from domainevententry");
            long bytes = single(c, "select sum(octet_length(payload) + octet_length(metadata)) from domainevententry");
            md.line("Events: %,d (payload and metadata %,d bytes on average), appended in %.0f s.", rows, bytes / rows,
                    populate);

            start = System.nanoTime();
            long sealed = new EventSealer(dataSource, Duration.ZERO, 5000, 0, Clock.systemUTC()).sealSettled();
            double seal = seconds(start);
            assertThat(sealed).isEqualTo(rows);
            md.line("");
            md.line("Sealing the whole log (batches of 5,000, one transaction each): %.1f s, %,.0f events/s.", seal,
                    rows / seal);
            md.section("Verification against the raw read");
            md.table("round", "raw read (s)", "raw events/s", "verification (s)", "verified events/s", "ratio");
            double worstRatio = Double.MAX_VALUE;
            for (int round = 1; round <= rounds; round++) {
                start = System.nanoTime();
                long read = rawRead(c);
                double raw = seconds(start);
                assertThat(read).isEqualTo(rows);
                start = System.nanoTime();
                ChainVerifier.Report report = new ChainVerifier().verify(c, 0, ChainHash.GENESIS, null, null);
                double verify = seconds(start);
                assertThat(report.intact()).as(report.toString()).isTrue();
                assertThat(report.eventsVerified()).isEqualTo(rows);
                double ratio = (rows / verify) / (rows / raw);
                worstRatio = Math.min(worstRatio, ratio);
                md.row(Integer.toString(round), fmt(raw), fmt0(rows / raw), fmt(verify), fmt0(rows / verify),
                        String.format(Locale.ROOT, "%.2fx", ratio));
            }
            md.line("");
            md.line("Target: verification at 0.5x the raw read rate or more; worst round here: %.2fx.", worstRatio);
            md.line("");
            md.line("The raw read is `select` of the columns the chain covers, `order by globalindex`, streamed "
                    + "(fetch size 2,000) with every column read (`getLong`, `getString`, `getBytes`). The verification "
                    + "reads the same rows in pages of 10,000 seals and their index range, recomputes SHA-256 over "
                    + "each and compares with the seal, in one REPEATABLE READ transaction.");
        }
        md.write(RESULTS);
    }

    private void populate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica"); // the append bound's trigger off: a bulk load
            long base = single(c, "select max(globalindex) from domainevententry");
            long chunk = 1_000_000;
            for (long done = 0; done < events; done += chunk) {
                long n = Math.min(chunk, events - done);
                s.execute("""
                        insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata,
                                                      payload, payloadrevision, payloadtype, timestamp)
                        select gen_random_uuid()::text, 0, e.type, gen_random_uuid()::text, e.metadata,
                               e.payload || convert_to(repeat(' ', (g %% 7)), 'UTF8'), e.payloadrevision, e.payloadtype,
                               e.timestamp
                        from generate_series(1, %d) g,
                             (select * from domainevententry where globalindex <= %d order by globalindex desc limit 1) e
                        """.formatted(n, base));
            }
            s.execute("set session_replication_role = origin");
            s.execute("vacuum analyze domainevententry");
        }
    }

    private static long rawRead(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        long n = 0;
        long sink = 0;
        try (PreparedStatement read = c.prepareStatement("select " + ChainHash.COLUMNS
                + " from domainevententry order by globalindex")) {
            read.setFetchSize(2_000);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    sink += rs.getLong(1) + rs.getString(2).length() + rs.getString(3).length() + rs.getLong(4);
                    String type = rs.getString(5);
                    sink += rs.getString(6).length() + (type == null ? 0 : 1);
                    String revision = rs.getString(7);
                    sink += rs.getBytes(8).length + rs.getBytes(9).length + rs.getString(10).length()
                            + (revision == null ? 0 : 1);
                    n++;
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        assertThat(sink).isPositive();
        return n;
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String fmt0(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
