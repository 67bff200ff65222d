package io.portalusers.standalone.benchmark;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.query.history.HistoryTestAccess;
import io.portalusers.standalone.Api;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark B5 (target: p95 at most twice the baseline's): the full history of a user with 10, 100 and 1,000 events, against the
 * baseline of a raw SELECT of the same user's rows by aggregate id, in the same run on the same
 * data. Not a test: its name keeps it out of {@code mvn verify}; run it on purpose with
 * <pre>mvn -o -B verify -pl standalone -am -Dtest=HistoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * It prints a Markdown table and writes it to {@code target/benchmarks/B5-history.md}.
 *
 * <p>Each round times the baseline and then each way of reading the history, so that noise hits
 * all alike: the full history in process (the endpoint's own code: read, fold, every entry with
 * its changes, without HTTP) and over HTTP (the JSON Lines answer); the first page of 100 both
 * ways (what an auditor's screen asks for); and, to tell where time goes, the events' read
 * alone and a trivial authenticated HTTP request.
 */
class HistoryBenchmark extends ServiceBenchmark {

    private static final int[] SIZES = {10, 100, 1000};
    private static final String ADMIN = "00000000-0000-4000-8000-000000000001";

    @Autowired
    private EventStore eventStore;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private ApplicationContext context;
    @Value("${benchmark.rounds:300}")
    private int rounds;
    @Value("${benchmark.warmup:100}")
    private int warmup;
    @Value("${benchmark.results:target/benchmarks/B5-history.md}")
    private String results;

    /** A user with {@code events} events in all: created, then renamed, moved, disabled, enabled, ... by the admin. */
    private UUID userWithEvents(int events, OrganizationId a, OrganizationId b) {
        UserId user = givenUser(Role.DEVELOPER, new Membership(a, Role.DEVELOPER));
        List<Object> payloads = new ArrayList<>();
        for (int i = 1; i < events; i++) {
            payloads.add(switch (i % 5) {
                case 1 -> new UserNameChanged(user, new PersonName("Name" + i, "User"));
                case 2 -> new MembershipsChanged(user, List.of(new Membership(i % 2 == 0 ? b : a, Role.DEVELOPER)));
                case 3 -> new UserDisabled(user);
                case 4 -> new UserEnabled(user);
                default -> new UserLanguageChanged(user, i % 2 == 0 ? Language.ENGLISH : Language.of("de"));
            });
        }
        transactions.executeWithoutResult(status -> {
            long sequence = 1;
            for (Object payload : payloads) {
                eventStore.publish(new GenericDomainEventMessage<>("User", user.toString(), sequence++, payload,
                        MetaData.from(Map.of(RequestMetadata.ACTOR_ID, ADMIN,
                                RequestMetadata.CORRELATION_ID, "bench-" + sequence,
                                RequestMetadata.REASON, "benchmark"))));
            }
        });
        assertThat(eventCount(user.toString())).isEqualTo(events);
        return user.value();
    }

    /** The baseline: every row of the user's events by aggregate id, every column read as bytes. */
    private long rawSelect(UUID user) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     select globalindex, eventidentifier, timestamp, payloadtype, payloadrevision, payload,
                            metadata, sequencenumber, type
                     from domainevententry where aggregateidentifier = ? order by sequencenumber""")) {
            select.setString(1, user.toString());
            long rows = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(1);
                    rs.getString(2);
                    rs.getString(3);
                    rs.getString(4);
                    rs.getString(5);
                    rs.getBytes(6);
                    rs.getBytes(7);
                    rs.getLong(8);
                    rs.getString(9);
                    rows++;
                }
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long httpPages(UUID user, boolean all) {
        long read = 0;
        for (int page = 0; ; page++) {
            Api.Response response = api.get("/api/users/" + user + "/history?size=100&page=" + page).token(admin).send();
            assertThat(response.status()).isEqualTo(200);
            int items = response.json().get("items").size();
            read += items;
            if (!all || items == 0 || read >= response.json().get("total").asLong()) {
                return read;
            }
        }
    }

    private long httpFull(UUID user) {
        Api.Response response = api.get("/api/users/" + user + "/history?format=jsonl").token(admin).send();
        assertThat(response.status()).isEqualTo(200);
        return response.body().lines().count();
    }

    private record Timed(String name, LongSupplier work, long[] nanos) {
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    @Test
    void B5_history() throws Exception {
        OrganizationId a = new OrganizationId(UUID.fromString(orgId()));
        OrganizationId b = new OrganizationId(UUID.fromString(orgId()));
        HistoryTestAccess history = new HistoryTestAccess(context);
        AuditReader reader = new AuditReader.MachineClient("benchmark");
        StringBuilder table = new StringBuilder("""
                | events | read | p50 ms | p95 ms | baseline p50 ms | baseline p95 ms | p50 ratio | p95 ratio |
                |---:|---|---:|---:|---:|---:|---:|---:|
                """);
        for (int size : SIZES) {
            UUID user = userWithEvents(size, a, b);
            assertThat(rawSelect(user)).isEqualTo(size);
            assertThat(history.fullHistory(reader, user)).isEqualTo(size);
            assertThat(history.allEntries(reader, user)).isEqualTo(size);
            assertThat(httpPages(user, true)).isEqualTo(size);
            assertThat(httpFull(user)).isEqualTo(size);
            Timed baseline = new Timed("raw SELECT", () -> rawSelect(user), new long[rounds]);
            List<Timed> ours = List.of(
                    new Timed("**full history, in process**", () -> history.allEntries(reader, user), new long[rounds]),
                    new Timed("first page of 100, in process", () -> history.firstPage(reader, user), new long[rounds]),
                    new Timed("(the events' read alone)", () -> history.events(user), new long[rounds]),
                    new Timed("**full history, HTTP (JSON Lines)**", () -> httpFull(user), new long[rounds]),
                    new Timed("first page of 100, HTTP", () -> httpPages(user, false), new long[rounds]),
                    new Timed("(HTTP floor: GET /api/settings)", () -> api.get("/api/settings").token(admin).send().status(),
                            new long[rounds]));
            List<Timed> all = new ArrayList<>(ours);
            all.add(0, baseline);
            for (int round = -warmup; round < rounds; round++) {
                for (Timed timed : all) {
                    long start = System.nanoTime();
                    timed.work().getAsLong();
                    long took = System.nanoTime() - start;
                    if (round >= 0) {
                        timed.nanos()[round] = took;
                    }
                }
            }
            all.forEach(timed -> Arrays.sort(timed.nanos()));
            double b50 = percentile(baseline.nanos(), 0.5);
            double b95 = percentile(baseline.nanos(), 0.95);
            for (Timed timed : ours) {
                double p50 = percentile(timed.nanos(), 0.5);
                double p95 = percentile(timed.nanos(), 0.95);
                table.append(String.format(Locale.ROOT, "| %,d | %s | %.3f | %.3f | %.3f | %.3f | %.2fx | %.2fx |%n",
                        size, timed.name(), p50, p95, b50, b95, p50 / b50, p95 / b95));
            }
        }
        String result = "B5 history: " + rounds + " rounds after " + warmup + " warm-up rounds per size\n\n" + table;
        System.out.println(result);
        Path out = Path.of(results);
        Files.createDirectories(out.getParent());
        Files.writeString(out, result);
    }

    private String orgId() {
        Api.Response created = api.post("/api/organizations", """
                {"name": "Bench %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(admin).send();
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("id").asText();
    }
}
