package io.portalusers.standalone.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.standalone.EventRows;
import io.portalusers.standalone.UserHistories;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One poison event among {@code benchmark.events} (default 100,000): the users of
 * {@link UserHistories} (5 events each, interleaved as in a live log), one of whom has a rename
 * stored without its first name, which no UserNameChanged reads from. The users processor
 * replays the log (a rebuild); the poisoned user's sequence is parked, every other user's row
 * ends current, and the replay's rate is set against a replay of the same log with the poison
 * evicted (nothing parked). Not a test: surefire's default includes skip it; the command is in
 * benchmarks/README.md.
 */
class DeadLetterBenchmark extends ServiceBenchmark {

    private static final int EVENTS = Integer.getInteger("benchmark.events", 100_000);
    private static final Path RESULTS = Path.of(System.getProperty("benchmark.results",
            "target/benchmark/dead-letters.md"));

    @Autowired
    private DataSource dataSource;

    @Test
    void one_poison_among_many_events_parks_one_sequence() throws Exception {
        int users = EVENTS / UserHistories.EVENTS_PER_USER;
        UserHistories histories = new UserHistories(2024, users, Math.max(10, users / 1_000), Instant.now());
        List<EventRows.Event> poisonedHistory = histories.history(users / 2);
        UUID poisoned = poisonedHistory.get(0).user();
        EventRows.Event rename = poisonedHistory.stream().filter(e -> e.payload() instanceof UserNameChanged)
                .findFirst().orElseThrow();
        List<EventRows.Event> batch = new ArrayList<>();
        EventRows rows = EventRows.withJackson();
        try (Connection connection = dataSource.getConnection()) {
            for (EventRows.Event event : histories.log()) {
                if (event.equals(rename)) {
                    rows.copy(connection, batch);
                    batch.clear();
                    poison(rename);
                    continue;
                }
                batch.add(event);
                if (batch.size() >= 10_000) {
                    rows.copy(connection, batch);
                    batch.clear();
                }
            }
            rows.copy(connection, batch);
        }
        long logSize = eventCount();
        long parked = UserHistories.EVENTS_PER_USER - rename.sequence();

        Duration withPoison = rebuild();
        JsonNode letters = api.get("/api/admin/projections/users/dead-letters").token(admin).send().json();
        assertThat(letters.get("sequences").asLong()).isEqualTo(1);
        assertThat(letters.get("letters").asLong()).isEqualTo(parked);
        assertThat(letters.at("/items/0/sequenceId").asText()).isEqualTo(poisoned.toString());
        long current = currentUsers(poisoned);
        long others = jdbc.sql("select count(*) from user_view where user_id <> ?").param(poisoned).query(Long.class).single();
        assertThat(others).isGreaterThanOrEqualTo(users - 1);
        assertThat(current).as("every other user current").isEqualTo(others);

        assertThat(api.delete("/api/admin/projections/users/dead-letters/" + poisoned).token(admin)
                .header("X-Reason", "benchmark").send().status()).isEqualTo(204);
        Duration clean = rebuild();
        assertThat(api.get("/api/admin/projections/users/dead-letters").token(admin).send().json()
                .get("sequences").asLong()).as("parked again by the replay").isEqualTo(1);

        String result = """
                # One poison event among %,d: the users processor's replay

                %s, `nice -n 10 mvn -B -pl standalone -am verify -Dtest=DeadLetterBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.events=%d -Dbenchmark.results=../benchmarks/dead-letters.md`,
                on the tests' embedded PostgreSQL, 2 shared cores.

                | replay of the users read model | events in the log | time | events/s | parked sequences / letters | users current |
                |---|---:|---:|---:|---:|---:|
                | with one poisoned user | %,d | %.1f s | %,.0f | 1 / %d | %,d of %,d |
                | same log, replayed after the eviction (parked again) | %,d | %.1f s | %,.0f | 1 / %d | |

                The poison is a rename of user %d of %,d stored without its first name (no UserNameChanged
                reads from it): its sequence (that rename and the %d events after it) is parked, every
                other user's row carries its last event. Both replays run with the dead-letter queue and meet the poison; the first one also
                warms the JVM and the database's caches, and the 2 cores were shared with other builds,
                so the rates are a floor, not a comparison with a replay without the queue.
                """.formatted(logSize, LocalDate.now(), EVENTS,
                logSize, seconds(withPoison), logSize / seconds(withPoison), parked, current, others,
                logSize, seconds(clean), logSize / seconds(clean), parked,
                users / 2, users, parked - 1);
        Files.createDirectories(RESULTS.toAbsolutePath().getParent());
        Files.writeString(RESULTS, result);
        System.out.println(result);
    }

    private long currentUsers(UUID poisoned) {
        return jdbc.sql("""
                        select count(*) from user_view v join (
                            select aggregateidentifier, max(sequencenumber) as last from domainevententry
                            where type = 'User' group by aggregateidentifier) e on e.aggregateidentifier = v.user_id::text
                        where v.version = e.last and v.user_id <> ?""").param(poisoned).query(Long.class).single();
    }

    private void poison(EventRows.Event rename) {
        jdbc.sql("""
                        insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,
                                                      metadata, payload, payloadtype, timestamp)
                        values (?, ?, 'User', ?, ?, ?, ?, ?)""")
                .params(rename.user().toString(), rename.sequence(), UUID.randomUUID().toString(),
                        "{\"actorId\":\"system\"}".getBytes(StandardCharsets.UTF_8),
                        ("{\"userId\":\"" + rename.user() + "\",\"name\":{\"lastName\":\"Poison\"}}")
                                .getBytes(StandardCharsets.UTF_8),
                        UserNameChanged.class.getName(), DateTimeUtils.formatInstant(rename.at()))
                .update();
    }

    private Duration rebuild() {
        long start = System.nanoTime();
        assertThat(api.post("/api/admin/projections/users/rebuild", "").token(admin).send().status()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode status = api.get("/api/admin/projections/users").token(admin).send().json();
            return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean();
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
