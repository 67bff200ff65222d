package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.UserId;
import io.portalusers.api.user.DisableUser;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.query.projections.ReconciliationMonitor;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An append whose transaction stays open past the gap timeout, beside a stream of other
 * appends, must not leave an event that a projection never sees. The gap timeout is 8 s here
 * (the append bound 3 s, below half of it), so that the test is quick; the transactions keep
 * issuing short statements, so that neither the statement timeout nor the idle-in-transaction
 * timeout ends them.
 * <ul>
 * <li>The service's own path: a command held open in its unit of work after its append is
 *     refused at COMMIT by the database's bound; the caller hears 503 (transaction-too-long, to
 *     try again), nothing is stored, and the same request runs afresh afterwards.</li>
 * <li>A writer beside the service, appending exactly as Axon does: refused at COMMIT the same way.</li>
 * <li>A writer that bypasses the bound (triggers off, as a restore with
 *     {@code session_replication_role = replica} does) and commits after the processors gave up
 *     on its index (they do once more than 250 gaps are open, here left by 300 failed appends,
 *     and the events after it are older than the gap timeout): its event is skipped, the reconciliation round finds the row behind, shows it
 *     in health and metrics, and refolds it; the row then equals what a full replay gives.</li>
 * </ul>
 */
@AutoConfigureObservability(tracing = false)
class AppendPastGapTimeoutTest extends OwnContextTest {

    private static final Duration GAP_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration PAST_GAP_TIMEOUT = GAP_TIMEOUT.plusSeconds(1);

    /** The user whose DisableUser command is held open, if any. */
    private static final AtomicReference<UserId> HELD = new AtomicReference<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "gap-timeout");
        registry.add("portal.events.gap-timeout", () -> GAP_TIMEOUT.toSeconds() + "s");
        registry.add("portal.events.append-bound", () -> "3s");
        // the session caps must be below the gap timeout (checked at start-up)
        registry.add("spring.datasource.hikari.data-source-properties.options",
                () -> "-c statement_timeout=4000 -c idle_in_transaction_session_timeout=6000");
        registry.add("portal.reconciliation.settle", () -> "10s");
        registry.add("portal.reconciliation.interval", () -> "1h"); // the test runs the rounds itself
    }

    /**
     * Holds the DisableUser command of {@link #HELD} open after its append (the event bus appends
     * in an earlier prepare-commit step), issuing a short statement every 300 ms, past the gap timeout.
     */
    @TestConfiguration
    static class HoldingInterceptor {

        @Autowired
        void hold(CommandBus commandBus, JdbcClient jdbc) {
            commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
                Object result = chain.proceed();
                if (unitOfWork.getMessage().getPayload() instanceof DisableUser disable
                        && disable.userId().equals(HELD.get())) {
                    unitOfWork.onPrepareCommit(u -> {
                        Instant until = Instant.now().plus(PAST_GAP_TIMEOUT);
                        while (Instant.now().isBefore(until)) {
                            jdbc.sql("select 1").query(Integer.class).single();
                            sleep(300);
                        }
                    });
                }
                return result;
            });
        }
    }

    @Autowired
    private DataSource dataSource;
    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private ReconciliationMonitor monitor;
    @Autowired
    @Qualifier("reconciliationRounds")
    private PeriodicTask rounds;

    private final EventRows rows = EventRows.withJackson();
    private String admin;

    @BeforeEach
    void setUp() {
        rounds.stop(); // the rounds run when the test says, so that it sees each one's result
        admin = adminToken();
    }

    @Test
    void a_command_held_open_past_the_gap_timeout_fails_and_stores_nothing() throws Exception {
        String user = createUser();
        long events = eventCount(user);
        HELD.set(UserId.of(user));
        String key = UUID.randomUUID().toString();
        CompletableFuture<Api.Response> held = CompletableFuture.supplyAsync(() -> api()
                .post("/api/users/" + user + "/disable", "").token(admin).header("Idempotency-Key", key).send());
        List<String> others = new ArrayList<>();
        try {
            // other commands go through meanwhile, their events taking later global indexes
            while (!held.isDone()) {
                others.add(createUser());
                sleep(500);
            }
            Api.Response answer = held.get(60, TimeUnit.SECONDS);

            assertThat(answer.status()).as("refused at COMMIT: %s", answer.body()).isEqualTo(503);
            assertThat(answer.json().get("code").asText()).isEqualTo("transaction-too-long");
            assertThat(answer.header("Retry-After")).isPresent();
        } finally {
            HELD.set(null);
        }
        assertThat(others).as("commands that went through while it was held").hasSizeGreaterThanOrEqualTo(5);
        assertThat(eventCount(user)).as("nothing of the held command stored").isEqualTo(events);
        awaitProjected(others.get(others.size() - 1), 0);
        assertThat(jdbc.sql("select enabled from user_view where user_id = ?::uuid").param(user)
                .query(Boolean.class).single()).isTrue();

        // nothing was recorded for the key either: the same request runs afresh, unhindered
        Api.Response again = api().post("/api/users/" + user + "/disable", "").token(admin)
                .header("Idempotency-Key", key).send();
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(eventCount(user)).isEqualTo(events + 1);
    }

    @Test
    void a_foreign_append_held_open_past_the_gap_timeout_is_refused_at_commit() throws Exception {
        String user = createUser();
        long last = lastSequence(user);
        try (Connection writer = dataSource.getConnection()) {
            writer.setAutoCommit(false);
            long index = rows.insert(writer, nameChange(user, last + 1, "Late"));
            holdWhileOthersAppend(writer, PAST_GAP_TIMEOUT, () -> true);

            assertThatThrownBy(writer::commit).isInstanceOfSatisfying(SQLException.class, refused -> {
                assertThat(refused.getSQLState()).isEqualTo("25P04");
                assertThat(refused.getMessage()).contains("event append refused");
            });
            writer.rollback();
            assertThat(jdbc.sql("select count(*) from domainevententry where globalindex = ?").param(index)
                    .query(Long.class).single()).isZero();
        }
        assertThat(lastSequence(user)).isEqualTo(last);
    }

    @Test
    void a_late_commit_past_the_bound_is_skipped_then_found_and_refolded_as_a_replay_leaves_it() throws Exception {
        String user = createUser();
        long last = lastSequence(user);
        long index;
        try (Connection writer = dataSource.getConnection()) {
            writer.setAutoCommit(false);
            writer.createStatement().execute("set local session_replication_role = replica");
            index = rows.insert(writer, nameChange(user, last + 1, "Late"));
            // appends that failed after taking their index (a lost race on an aggregate's sequence,
            // a refused uniqueness lookup) leave gaps for good; past 250 of them Axon cleans the
            // gaps whose next event is older than the gap timeout at every read, this one too
            jdbc.sql("select nextval(pg_get_serial_sequence('domainevententry', 'globalindex')) from generate_series(1, 300)")
                    .query(Long.class).list();
            // until every segment of the users processor has given up waiting for the index
            holdWhileOthersAppend(writer, PAST_GAP_TIMEOUT, () -> passedWithoutGap("users", index));
            writer.commit();
        }
        String marker = createUser();
        awaitProjected(marker, 0);
        assertThat(version(user)).as("the late event was skipped by the processor").isEqualTo(last);
        assertThat(name(user)).isEqualTo("Gap Timeout");

        // the round after the event settled finds the row behind, shows it, and refolds it
        AtomicReference<ReconciliationMonitor.Result> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            found.set(monitor.refresh().get("users"));
            return found.get().behind() > 0;
        });
        assertThat(found.get().behind()).isEqualTo(1);
        assertThat(found.get().repaired()).isEqualTo(1);
        JsonNode health = api().get("/actuator/health/projections").send().json();
        assertThat(health.at("/status").asText()).isEqualTo(ReconciliationMonitor.BEHIND);
        assertThat(health.at("/components/reconciliation/details/users/behind").asLong()).isEqualTo(1);
        assertThat(health.at("/components/reconciliation/details/users/repaired").asLong()).isEqualTo(1);
        assertThat(api().get("/actuator/prometheus").token(admin).send().body())
                .contains("portal_projection_behind{processor=\"users\"} 1.0")
                .contains("portal_projection_repaired_total{processor=\"users\"} 1.0");
        assertThat(version(user)).isEqualTo(last + 1);
        assertThat(name(user)).isEqualTo("Late Commit");
        String refolded = row(user);

        // the next round finds nothing behind
        assertThat(monitor.refresh().get("users").behind()).isZero();
        assertThat(api().get("/actuator/health/projections").send().json().at("/status").asText()).isEqualTo("UP");

        // and a full replay leaves the row exactly so
        Api.Response rebuild = api().post("/api/admin/projections/users/rebuild", "").token(admin).send();
        assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode status = api().get("/api/admin/projections/users").token(admin).send().json();
            return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean();
        });
        awaitProjected(marker, 0);
        assertThat(row(user)).isEqualTo(refolded);
    }

    /**
     * Keeps the writer's transaction open (a short statement every 300 ms) while other users are
     * created through the API, for {@code atLeast} and then until {@code done} (at most 90 s).
     */
    private void holdWhileOthersAppend(Connection writer, Duration atLeast, Check done) throws Exception {
        Instant start = Instant.now();
        Instant deadline = start.plusSeconds(90);
        List<String> others = new ArrayList<>();
        while (Instant.now().isBefore(start.plus(atLeast)) || !done.ok()) {
            assertThat(Instant.now()).as("the processors gave up on the open index in time").isBefore(deadline);
            others.add(createUser());
            for (int i = 0; i < 3; i++) {
                writer.createStatement().execute("select 1");
                sleep(300);
            }
        }
        assertThat(others).hasSizeGreaterThanOrEqualTo(3);
        awaitProjected(others.get(others.size() - 1), 0);
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    /** Whether every segment of the processor stands past the index and no longer waits for it. */
    private boolean passedWithoutGap(String processor, long index) {
        Map<Integer, EventTrackerStatus> segments = processing.eventProcessor(processor, StreamingEventProcessor.class)
                .orElseThrow().processingStatus();
        return !segments.isEmpty() && segments.values().stream().allMatch(segment -> {
            TrackingToken token = WrappedToken.unwrapLowerBound(segment.getTrackingToken());
            return token instanceof GapAwareTrackingToken gapAware
                    && gapAware.getIndex() > index && !gapAware.getGaps().contains(index);
        });
    }

    private EventRows.Event nameChange(String user, long sequence, String firstName) {
        UserId id = UserId.of(user);
        return new EventRows.Event(id.value(), sequence, new UserNameChanged(id, new PersonName(firstName, "Commit")),
                Instant.now());
    }

    private String createUser() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api().post("/api/users", """
                {"username": "gap-%s", "email": "gap-%s@example.com", "firstName": "Gap", "lastName": "Timeout",
                 "role": "API_OWNER", "notify": false}""".formatted(unique, unique)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private void awaitProjected(String user, long version) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> version(user) >= version);
    }

    private long version(String user) {
        return jdbc.sql("select version from user_view where user_id = ?::uuid").param(user)
                .query(Long.class).optional().orElse(-1L);
    }

    private String name(String user) {
        return jdbc.sql("select first_name || ' ' || last_name from user_view where user_id = ?::uuid").param(user)
                .query(String.class).single();
    }

    /** The user's row and its memberships, as text. */
    private String row(String user) {
        return jdbc.sql("""
                        select u::text || coalesce((select string_agg(m::text, '|' order by organization_id)
                                                    from user_membership_view m where m.user_id = u.user_id), '')
                        from user_view u where user_id = ?::uuid""")
                .param(user).query(String.class).single();
    }

    private long eventCount(String user) {
        return jdbc.sql("select count(*) from domainevententry where aggregateidentifier = ?").param(user)
                .query(Long.class).single();
    }

    private long lastSequence(String user) {
        return jdbc.sql("select max(sequencenumber) from domainevententry where aggregateidentifier = ?").param(user)
                .query(Long.class).single();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
