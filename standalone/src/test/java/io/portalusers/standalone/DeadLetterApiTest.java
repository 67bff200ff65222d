package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.UserId;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.query.projections.ReconciliationMonitor;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poison event parks only its own aggregate's sequence in the processor's dead-letter
 * queue (Axon's JDBC queue on the real PostgreSQL): every other user's view goes on and is
 * current, the API, the health and the metric show the parked sequence, a retry after the
 * cause is fixed handles it in order and empties the queue, an eviction needs a Portal Admin
 * and a reason, and a failure of the database is retried, never parked.
 *
 * <p>Its own context, for the test-only handler of the users processor ({@link ReferenceCheck}),
 * which fails for the users the test names: the stand-in for a handler whose reference data
 * for one user is missing.
 */
@Import(DeadLetterApiTest.Poison.class)
@AutoConfigureObservability(tracing = false)
class DeadLetterApiTest extends OwnContextTest {

    private static final int USERS = 1_000;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "dead-letters");
    }

    /** Users whose reference data is missing, and users whose handling needs the lock row. */
    static final Set<UUID> MISSING = ConcurrentHashMap.newKeySet();
    static final Set<UUID> LOCKING = ConcurrentHashMap.newKeySet();

    /** Runs before the users projection's own handlers (Axon orders a group's handlers by @Order). */
    @ProcessingGroup("users")
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class ReferenceCheck {

        private final JdbcClient jdbc;

        ReferenceCheck(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        @EventHandler
        void on(UserNameChanged event) {
            UUID user = event.userId().value();
            if (MISSING.contains(user)) {
                throw new IllegalStateException("no reference data for this user");
            }
            if (LOCKING.contains(user)) {
                // NOWAIT: fails at once with a lock_not_available error while the test holds the row
                jdbc.sql("select id from dead_letter_test_lock where id = 1 for update nowait").query().listOfRows();
            }
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Poison {
        @Bean
        ReferenceCheck referenceCheck(JdbcClient jdbc) {
            return new ReferenceCheck(jdbc);
        }
    }

    @Autowired
    private DataSource dataSource;
    @Autowired
    private ReconciliationMonitor reconciliation;

    @AfterEach
    void noPoisonLeft() {
        MISSING.clear();
        LOCKING.clear();
    }

    private JsonNode deadLetters(String admin) {
        Api.Response listed = api().get("/api/admin/projections/users/dead-letters").token(admin).send();
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        return listed.json();
    }

    private JsonNode sequence(String admin, String user) {
        return api().get("/api/admin/projections/users/dead-letters/" + user).token(admin).send().json();
    }

    private void awaitCaughtUp(String admin) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode status = api().get("/api/admin/projections/users").token(admin).send().json();
            return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean();
        });
    }

    private long version(UUID user) {
        return jdbc.sql("select version from user_view where user_id = ?").param(user).query(Long.class).optional()
                .orElse(-1L);
    }

    private JsonNode projectionsHealth() {
        return api().get("/actuator/health/projections").send().json();
    }

    @Test
    void a_poison_event_parks_only_its_users_sequence_until_a_retry_after_the_fix() throws Exception {
        String admin = adminToken();
        UserHistories histories = new UserHistories(7, USERS, 20, Instant.now());
        List<EventRows.Event> poisonedHistory = histories.history(USERS / 2);
        UUID poisoned = poisonedHistory.get(0).user();
        long failing = poisonedHistory.stream().filter(e -> e.payload() instanceof UserNameChanged)
                .mapToLong(EventRows.Event::sequence).min().orElseThrow();
        MISSING.add(poisoned);
        List<EventRows.Event> log = new ArrayList<>();
        histories.log().forEach(log::add);
        try (Connection connection = dataSource.getConnection()) {
            EventRows.withJackson().append(connection, log);
        }
        awaitCaughtUp(admin);

        JsonNode listed = deadLetters(admin);
        long parked = UserHistories.EVENTS_PER_USER - failing;
        assertThat(listed.get("sequences").asLong()).as(listed.toString()).isEqualTo(1);
        assertThat(listed.get("letters").asLong()).isEqualTo(parked);
        JsonNode item = listed.get("items").get(0);
        assertThat(item.get("sequenceId").asText()).isEqualTo(poisoned.toString());
        assertThat(item.get("letters").asLong()).isEqualTo(parked);
        // a reconciliation round finds the parked user behind the log and leaves it to the queue's retry
        reconciliation.refresh(Duration.ZERO);
        assertThat(deadLetters(admin).get("letters").asLong()).as("letters after a reconciliation round").isEqualTo(parked);
        JsonNode first = item.get("first");
        assertThat(first.get("eventType").asText()).isEqualTo(UserNameChanged.class.getName());
        assertThat(first.get("aggregateIdentifier").asText()).isEqualTo(poisoned.toString());
        assertThat(first.get("sequenceNumber").asLong()).isEqualTo(failing);
        assertThat(first.get("globalIndex").asLong()).isEqualTo(jdbc.sql("""
                        select globalindex from domainevententry where aggregateidentifier = ? and sequencenumber = ?""")
                .params(poisoned.toString(), failing).query(Long.class).single());
        assertThat(first.at("/cause/type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(first.at("/cause/message").asText()).isEqualTo("no reference data for this user");
        assertThat(first.get("enqueuedAt").asText()).isNotBlank();
        assertThat(first.get("lastTouched").asText()).isNotBlank();
        assertThat(sequence(admin, poisoned.toString()).findValues("sequenceNumber").stream().map(JsonNode::asLong))
                .as("its later events parked behind it, in order")
                .containsExactly(java.util.stream.LongStream.range(failing, UserHistories.EVENTS_PER_USER).boxed()
                        .toArray(Long[]::new));

        // every other user is complete and current; the poisoned one stops before its poison
        assertThat(jdbc.sql("""
                        select count(*) from user_view v join (
                            select aggregateidentifier, max(sequencenumber) as last from domainevententry
                            where type = 'User' group by aggregateidentifier) e on e.aggregateidentifier = v.user_id::text
                        where v.version = e.last and v.user_id <> ?""").param(poisoned).query(Long.class).single())
                .isEqualTo(USERS - 1 + 1); // and the bootstrap admin
        assertThat(version(poisoned)).isEqualTo(failing - 1);

        JsonNode health = projectionsHealth();
        assertThat(health.at("/components/deadLetters/status").asText()).isEqualTo("BEHIND");
        assertThat(health.at("/components/deadLetters/details/users/sequences").asLong()).isEqualTo(1);
        assertThat(health.at("/components/deadLetters/details/users/letters").asLong()).isEqualTo(parked);
        assertThat(health.at("/components/deadLetters/details/organizations/letters").asLong()).isZero();
        assertThat(api().get("/actuator/health").send().status()).as("the node keeps serving").isEqualTo(200);
        assertThat(api().get("/actuator/health/readiness").send().status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(api().get("/actuator/prometheus").token(admin).send().body())
                        .contains("portal_projection_dead_letters{processor=\"users\",unit=\"sequences\"} 1.0")
                        .contains("portal_projection_dead_letters{processor=\"users\",unit=\"letters\"} " + (double) parked)
                        .contains("portal_projection_dead_letters{processor=\"notifier\",unit=\"letters\"} 0.0"));

        // not fixed yet: the retry fails, and the sequence stays as it was
        Api.Response failed = api().post("/api/admin/projections/users/dead-letters/" + poisoned + "/retry", "")
                .token(admin).send();
        assertThat(failed.status()).as(failed.body()).isEqualTo(409);
        assertThat(failed.json().get("code").asText()).isEqualTo("dead-letter-failed");
        assertThat(sequence(admin, poisoned.toString()).size()).isEqualTo((int) parked);

        // a rebuild empties the queue and meets the poison again: the same sequence is parked anew
        String enqueuedBefore = first.get("enqueuedAt").asText();
        assertThat(api().post("/api/admin/projections/users/rebuild", "").token(admin).send().status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode again = deadLetters(admin);
            assertThat(again.get("letters").asLong()).isEqualTo(parked);
            assertThat(again.at("/items/0/first/enqueuedAt").asText()).isNotEqualTo(enqueuedBefore);
        });
        awaitCaughtUp(admin);
        assertThat(version(poisoned)).isEqualTo(failing - 1);

        // the cause fixed, a retry handles the sequence in order and empties the queue
        MISSING.remove(poisoned);
        Api.Response retried = api().post("/api/admin/projections/users/dead-letters/" + poisoned + "/retry", "")
                .token(admin).send();
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().get("processed").asBoolean()).isTrue();
        assertThat(deadLetters(admin).get("letters").asLong()).isZero();
        assertThat(version(poisoned)).isEqualTo(UserHistories.EVENTS_PER_USER - 1);
        assertThat(api().get("/api/admin/projections/users/dead-letters/" + poisoned).token(admin).send().status())
                .isEqualTo(404);
        assertThat(projectionsHealth().at("/components/deadLetters/status").asText()).isEqualTo("UP");
    }

    @Test
    void an_unreadable_event_is_parked_and_only_a_portal_admin_evicts_it_with_a_reason() throws Exception {
        String admin = adminToken();
        List<EventRows.Event> history = new UserHistories(11, 1, 1, Instant.now()).history(0);
        UUID user = history.get(0).user();
        int broken = history.stream().filter(e -> e.payload() instanceof UserNameChanged)
                .mapToInt(e -> (int) e.sequence()).min().orElseThrow();
        try (Connection connection = dataSource.getConnection()) {
            EventRows rows = EventRows.withJackson();
            rows.append(connection, history.subList(0, broken));
            // a rename stored without its name's first part: no UserNameChanged reads from it
            jdbc.sql("""
                            insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,
                                                          metadata, payload, payloadtype, timestamp)
                            values (?, ?, 'User', ?, ?, ?, ?, ?)""")
                    .params(user.toString(), broken, UUID.randomUUID().toString(),
                            "{\"actorId\":\"system\"}".getBytes(StandardCharsets.UTF_8),
                            ("{\"userId\":\"" + user + "\",\"name\":{\"lastName\":\"Broken\"}}").getBytes(StandardCharsets.UTF_8),
                            UserNameChanged.class.getName(), DateTimeUtils.formatInstant(Instant.now()))
                    .update();
            rows.append(connection, history.subList(broken + 1, history.size()));
        }
        long parked = history.size() - broken;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(sequence(admin, user.toString()).size()).isEqualTo((int) parked));
        JsonNode letters = sequence(admin, user.toString());
        assertThat(letters.get(0).get("eventType").asText()).isEqualTo(UserNameChanged.class.getName());
        assertThat(letters.get(0).at("/cause/type").asText()).as(letters.toString()).isNotBlank();
        assertThat(version(user)).isEqualTo(broken - 1);

        String path = "/api/admin/projections/users/dead-letters/" + user;
        String developer = tokens.issue(UserId.of(apiOwner(admin))).token();
        assertThat(api().delete(path).header("X-Reason", "unreadable").send().status()).isEqualTo(401);
        Api.Response refused = api().delete(path).token(developer).header("X-Reason", "unreadable").send();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(api().get("/api/admin/projections/users/dead-letters").token(developer).send().status()).isEqualTo(403);
        assertThat(api().post(path + "/retry", "").token(developer).send().status()).isEqualTo(403);
        Api.Response noReason = api().delete(path).token(admin).send();
        assertThat(noReason.status()).as(noReason.body()).isEqualTo(400);
        assertThat(sequence(admin, user.toString()).size()).isEqualTo((int) parked);

        Api.Response evicted = api().delete(path).token(admin).header("X-Reason", "payload%20unreadable").send();

        assertThat(evicted.status()).as(evicted.body()).isEqualTo(204);
        assertThat(api().get(path).token(admin).send().status()).isEqualTo(404);
        assertThat(api().delete(path).token(admin).header("X-Reason", "again").send().status()).isEqualTo(404);
        assertThat(jdbc.sql("""
                        select count(*) from command_audit where command = 'EvictDeadLetters' and target_id = ?
                        and reason = 'payload unreadable' and actor_id = ?""")
                .params("users/" + user, bootstrapAdmin).query(Long.class).single()).isEqualTo(1);
        assertThat(api().get("/api/admin/projections/nothing/dead-letters").token(admin).send().status()).isEqualTo(404);
    }

    @Test
    void a_lock_timeout_in_a_handler_is_retried_and_never_parked() throws Exception {
        String admin = adminToken();
        jdbc.sql("create table if not exists dead_letter_test_lock (id int primary key)").update();
        jdbc.sql("insert into dead_letter_test_lock values (1) on conflict do nothing").update();
        UUID user = UUID.fromString(apiOwner(admin));
        await().atMost(Duration.ofSeconds(30)).until(() -> version(user) >= 0);
        LOCKING.add(user);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("select id from dead_letter_test_lock where id = 1 for update");
            Api.Response renamed = api().patch("/api/users/" + user, """
                    {"firstName": "Locked", "lastName": "Out"}""").token(admin).send();
            assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
            Thread.sleep(2_000); // the processor's batch failed and is retried meanwhile
            assertThat(sequence(admin, user.toString()).isArray()).as("nothing parked").isFalse();
            assertThat(jdbc.sql("select first_name from user_view where user_id = ?").param(user).query(String.class)
                    .single()).isNotEqualTo("Locked");
            holder.rollback();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> "Locked".equals(
                jdbc.sql("select first_name from user_view where user_id = ?").param(user).query(String.class).single()));
        assertThat(api().get("/api/admin/projections/users/dead-letters/" + user).token(admin).send().status())
                .isEqualTo(404);
    }

    /** A new API Owner (no Portal Admin), added through the API; its id. */
    private String apiOwner(String admin) {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api().post("/api/users", """
                {"username": "owner-%s", "email": "owner-%s@example.com", "firstName": "Api", "lastName": "Owner",
                 "role": "API_OWNER", "notify": false}""".formatted(unique, unique)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }
}
