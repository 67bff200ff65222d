package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL crashes under load and comes back: with clients creating users (each invited
 * by email), editing them and reading, the embedded PostgreSQL is stopped abruptly (SIGQUIT
 * to its postmaster: PostgreSQL's immediate shutdown, no checkpoint, crash recovery at the
 * next start) and started again a few seconds later on the same port and data directory,
 * with the very command line it ran with (in a user namespace of its own where the embedded library puts
 * it too). The service is not restarted. Then:
 * <ul>
 * <li>during the outage callers get 503 problem+json {@code database-unavailable} with a
 * Retry-After, never a 500, and no request hangs (each answers within {@link #NO_HANG});
 * readiness is DOWN (a load balancer drains the node), liveness stays UP;</li>
 * <li>afterwards readiness is UP and commands succeed again, by themselves;</li>
 * <li>every command answered 2xx is in the event log, and its effect in the users view;</li>
 * <li>the users view equals what a full replay (a rebuild) makes of the log;</li>
 * <li>every user in the log got its invitation email exactly once, none failed; also after
 * the notifier's claims ran out (an email sent but not recorded as sent would go again);</li>
 * <li>db-scheduler runs its recurring task again.</li>
 * </ul>
 * Its own database, durable: with synchronous commit off (the tests' speed setting) a
 * PostgreSQL crash may lose the last commits it acknowledged, which is what this test must
 * rule out.
 */
class DatabaseOutageTest extends OwnContextTest {

    private static final Mailbox MAIL = Mailbox.start();
    /** No request, even one waiting for the database that went away, may take longer than this. */
    private static final Duration NO_HANG = Duration.ofSeconds(10);
    private static final Duration CLAIM = Duration.ofSeconds(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void ownDurableDatabaseUnderLoad(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "db-outage");
        registry.add("portal.embedded.durable", () -> "true");
        ApiTest.mailTo(MAIL, registry);
        // short claims, so that an email sent twice after the outage would show within the test
        registry.add("portal.mail.claim", CLAIM::toString);
        // db-scheduler's recurring task, every second, and its dead executions found within seconds
        registry.add("portal.idempotency.purge-interval", () -> "1s");
        registry.add("db-scheduler.polling-interval", () -> "1s");
        registry.add("db-scheduler.heartbeat-interval", () -> "1s");
    }

    @Value("${portal.embedded.data-dir}")
    private Path dataDir;

    private final String run = Long.toString(System.nanoTime(), 36);
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Created> created = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Edit> edits = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private Process restarted;
    private String admin;

    /** One request of the load: what was asked, when, and what came back. */
    record Outcome(String kind, long startNanos, long endNanos, int status, String contentType, String code,
                   String retryAfter, String failure) {

        Duration latency() {
            return Duration.ofNanos(endNanos - startNanos);
        }

        boolean acknowledged() {
            return status >= 200 && status < 300;
        }
    }

    record Created(UUID id, String username, String lastName) {
    }

    record Edit(UUID user, String lastName, boolean acknowledged, String answer) {
    }

    @AfterEach
    void stopLoadAndStrayServer() {
        loading.set(false);
        // the context's close stops PostgreSQL by its data directory (pg_ctl), the restarted one too;
        // should the test have failed between the crash and the restart, nothing is left to stop
        if (restarted != null) {
            Process server = restarted;
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
        }
    }

    @Test
    void postgres_crashing_under_load_and_restarting_is_survived_without_losing_an_acknowledged_command()
            throws Exception {
        long testStart = System.nanoTime();
        admin = adminToken();
        assertThat(get("/actuator/health/readiness").status()).isEqualTo(200);
        // the reads ask for the bootstrap admin: in the view before the load starts
        await("the bootstrap admin in the users view").atMost(Duration.ofSeconds(30)).until(() ->
                api().get("/api/users/" + bootstrapAdmin).token(admin).send().status() == 200);

        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> load = new ArrayList<>();
        load.add(clients.submit(() -> loop(() -> createUser(false))));
        load.add(clients.submit(() -> loop(() -> createUser(true))));
        load.add(clients.submit(() -> loop(this::editUser)));
        load.add(clients.submit(() -> loop(this::read)));

        await("users created before the crash").atMost(Duration.ofSeconds(30)).until(() -> created.size() >= 20);

        // the crash: SIGQUIT to the postmaster, PostgreSQL's immediate shutdown
        ProcessHandle postmaster = postmaster();
        List<String> commandLine = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            commandLine.addAll(List.of("unshare", "-U")); // as the embedded library starts it: PostgreSQL refuses to run as root
        }
        commandLine.add(postmaster.info().command().orElseThrow());
        commandLine.addAll(List.of(postmaster.info().arguments().orElseThrow()));
        long crashed = System.nanoTime();
        Instant crashedAt = Instant.now();
        assertThat(new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster.pid())).start().waitFor()).isZero();
        postmaster.onExit().get(30, TimeUnit.SECONDS);
        long createdBeforeCrash = created.size();

        // the outage: readiness DOWN, liveness UP, the load answered 503
        await("readiness DOWN").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/actuator/health/readiness").status() == 503);
        assertThat(get("/actuator/health/readiness").json().get("status").asText()).isEqualTo("DOWN");
        assertThat(get("/actuator/health/liveness").status()).as("liveness during the outage").isEqualTo(200);
        await("503s to the load").atMost(Duration.ofSeconds(20))
                .until(() -> unavailable(crashed).size() >= 6 && System.nanoTime() - crashed >= 4_000_000_000L);

        // PostgreSQL back: same binary, data directory, port and settings
        long restartedAt = System.nanoTime();
        restarted = new ProcessBuilder(commandLine)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("postgres-restarted.log").toFile())
                .start();
        long outage = restartedAt - crashed;

        await("readiness UP").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/actuator/health/readiness").status() == 200);
        long ready = System.nanoTime();
        await("users created after the restart").atMost(Duration.ofSeconds(30))
                .until(() -> outcomes.stream().filter(o -> o.kind().equals("create") && o.acknowledged()
                        && o.startNanos() > ready).count() >= 10);
        long firstCreated = outcomes.stream().filter(o -> o.kind().equals("create") && o.acknowledged()
                        && o.startNanos() > restartedAt).mapToLong(Outcome::endNanos).min().orElseThrow();
        loading.set(false);
        for (Future<?> client : load) {
            client.get(NO_HANG.toSeconds() * 2, TimeUnit.SECONDS);
        }
        clients.shutdown();

        // what callers saw
        List<Outcome> all = new ArrayList<>(outcomes);
        List<Outcome> answered503 = unavailable(crashed);
        Outcome slowest = all.stream().max(Comparator.comparing(Outcome::latency)).orElseThrow();
        Duration slowestInOutage = all.stream().filter(o -> o.endNanos() >= crashed && o.startNanos() <= ready)
                .map(Outcome::latency).max(Comparator.naturalOrder()).orElseThrow();
        Map<String, Long> statuses = all.stream().collect(Collectors.groupingBy(
                o -> o.kind() + " " + (o.failure() == null ? Integer.toString(o.status()) : o.failure()),
                java.util.TreeMap::new, Collectors.counting()));
        System.out.printf("DB-OUTAGE: PostgreSQL down %d ms (crash to restart); readiness UP %d ms and the first user "
                        + "created %d ms after the restart; %d requests, %d answered 503, the slowest %d ms during the "
                        + "outage and %d ms overall (%s); answers %s%n",
                ms(outage), ms(ready - restartedAt), ms(firstCreated - restartedAt), all.size(), answered503.size(),
                slowestInOutage.toMillis(), slowest.latency().toMillis(), slowest.kind(), statuses);

        assertThat(all).as("requests that got no answer").filteredOn(o -> o.failure() != null).isEmpty();
        assertThat(all).as("answers other than success or 503").filteredOn(
                o -> !o.acknowledged() && o.status() != 503).isEmpty();
        assertThat(all).as("503s before the crash").filteredOn(o -> o.status() == 503 && o.endNanos() < crashed).isEmpty();
        assertThat(answered503).as("503s during the outage").hasSizeGreaterThanOrEqualTo(6);
        assertThat(answered503).allSatisfy(o -> {
            assertThat(o.contentType()).startsWith("application/problem+json");
            assertThat(o.code()).isEqualTo("database-unavailable");
            assertThat(o.retryAfter()).as("Retry-After").matches("[1-9][0-9]*");
        });
        assertThat(slowest.latency()).as("the slowest answer (%s)", slowest).isLessThan(NO_HANG);

        // no acknowledged command lost: in the log, and its effect in the read model
        List<Created> acknowledged = List.copyOf(created);
        for (Created user : acknowledged) {
            assertThat(jdbc.sql("""
                            select count(*) from domainevententry
                            where aggregateidentifier = ? and payloadtype like '%UserCreated'""")
                    .param(user.id().toString()).query(Long.class).single()).as("created %s", user.username()).isOne();
        }
        List<Edit> editsDone = List.copyOf(edits);
        for (Edit edit : editsDone.stream().filter(Edit::acknowledged).toList()) {
            assertThat(HistoryChanges.settingTo(api(), adminToken(), edit.user().toString(), "lastName", edit.lastName()))
                    .as("edit of %s to %s", edit.user(), edit.lastName()).isOne();
        }
        // the users whose creation is in the log: the acknowledged ones, and any whose answer the crash cut off
        // (found by the username its lookup row holds, written in the creation's transaction: the
        // event's own username is stored encrypted)
        List<String> inLog = jdbc.sql("""
                        select aggregateidentifier from domainevententry
                        where payloadtype like '%UserCreated' and aggregateidentifier in (
                            select user_id::text from username_lookup where starts_with(username_key, ?))""")
                .param("o-" + run + "-").query(String.class).list();
        assertThat(inLog).hasSizeGreaterThanOrEqualTo(acknowledged.size());

        awaitCaughtUp();
        Map<String, String> lastNames = new LinkedHashMap<>();
        jdbc.sql("select user_id::text, last_name from user_view where user_id = any(?::uuid[])")
                .param(inLog.toArray(String[]::new))
                .query(rs -> {
                    lastNames.put(rs.getString(1), rs.getString(2));
                });
        assertThat(lastNames.keySet()).as("every user in the log is in the view").containsExactlyInAnyOrderElementsOf(inLog);
        for (Created user : acknowledged) {
            assertThat(lastNames.get(user.id().toString())).as("last name of %s", user.username())
                    .isIn(possibleLastNames(user, editsDone));
        }

        // every invitation sent exactly once, none failed; also once the claims of the outage ran out
        await("every invitation delivered").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> inLog.stream().allMatch(id -> !MAIL.to(address(id)).isEmpty()));
        Thread.sleep(CLAIM.plusSeconds(2).toMillis());
        for (String id : inLog) {
            assertThat(MAIL.to(address(id))).as("emails to %s", address(id)).hasSize(1);
        }
        assertThat(jdbc.sql("select status, count(*) from mail_outbox group by status order by status")
                .query((rs, row) -> rs.getString(1) + "=" + rs.getLong(2)).list())
                .as("the outbox").containsExactly("SENT=" + inLog.size());

        // db-scheduler runs its recurring task again
        OffsetDateTime restart = OffsetDateTime.ofInstant(crashedAt.plusNanos(outage), ZoneOffset.UTC);
        await("db-scheduler running again").atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("""
                        select count(*) from scheduled_tasks
                        where task_name = 'idempotency-key-purge' and last_success > ?""")
                .param(restart).query(Long.class).single() == 1);

        // the view equals a full replay of the log
        String live = checksum();
        Api.Response rebuild = api().post("/api/admin/projections/users/rebuild", "").token(admin).send();
        assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
        awaitCaughtUp();
        assertThat(checksum()).as("the users view after the outage, and after a full replay").isEqualTo(live);
        assertThat(get("/actuator/health/readiness").status()).isEqualTo(200);

        System.out.printf("DB-OUTAGE: %d users created (%d before the crash, %d acknowledged, %d in the log), "
                        + "%d edits acknowledged of %d, %d invitations each sent once; test took %d s%n",
                inLog.size(), createdBeforeCrash, acknowledged.size(), inLog.size(),
                editsDone.stream().filter(Edit::acknowledged).count(), editsDone.size(), inLog.size(),
                Duration.ofNanos(System.nanoTime() - testStart).toSeconds());
    }

    /** The last acknowledged last name, or any attempted after it (its answer lost to the crash, it may have been stored). */
    private static Set<String> possibleLastNames(Created user, List<Edit> editsDone) {
        List<Edit> ofUser = editsDone.stream().filter(e -> e.user().equals(user.id())).toList();
        Set<String> possible = new HashSet<>();
        possible.add(user.lastName());
        for (Edit edit : ofUser) {
            if (edit.acknowledged()) {
                possible.clear();
            }
            possible.add(edit.lastName());
        }
        return possible;
    }

    private void loop(Runnable request) {
        while (loading.get()) {
            request.run();
        }
    }

    /** With {@code keyed}, under an Idempotency-Key: its filter runs the command in a transaction of its own. */
    private void createUser(boolean keyed) {
        UUID id = UUID.randomUUID();
        String username = "o-" + run + "-" + sequence.incrementAndGet();
        String lastName = "Ou" + letters();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/users"));
        if (keyed) {
            request.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        Outcome outcome = send("create", request
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"id": "%s", "username": "%s", "email": "%s@example.com", "firstName": "Ada", "lastName": "%s",
                         "role": "API_OWNER", "notify": true}""".formatted(id, username, username, lastName))));
        if (outcome.acknowledged()) {
            created.add(new Created(id, username, lastName));
        }
    }

    private void editUser() {
        if (created.isEmpty()) {
            pause();
            return;
        }
        Created user = created.get(ThreadLocalRandom.current().nextInt(created.size()));
        String lastName = "Ed" + letters();
        Outcome outcome = send("edit", HttpRequest.newBuilder(uri("/api/users/" + user.id()))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("""
                        {"firstName": "Ada", "lastName": "%s"}""".formatted(lastName))));
        edits.add(new Edit(user.id(), lastName, outcome.acknowledged(), outcome.status() + ""));
    }

    private void read() {
        send("read", HttpRequest.newBuilder(uri(ThreadLocalRandom.current().nextBoolean()
                ? "/api/users/" + bootstrapAdmin : "/api/users?name=Ada")).GET());
    }

    private Outcome send(String kind, HttpRequest.Builder request) {
        long start = System.nanoTime();
        Outcome outcome;
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(NO_HANG.multipliedBy(2))
                    .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
            String code = null;
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.contains("json") && !response.body().isEmpty()) {
                JsonNode body = JSON.readTree(response.body());
                code = body.path("code").asText(null);
            }
            outcome = new Outcome(kind, start, System.nanoTime(), response.statusCode(), type, code,
                    response.headers().firstValue("Retry-After").orElse(null), null);
        } catch (IOException e) {
            outcome = new Outcome(kind, start, System.nanoTime(), 0, "", null, null, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        outcomes.add(outcome);
        if (outcome.status() == 503) {
            pause(); // as a client told to retry after a while would, without waiting out the whole Retry-After
        }
        return outcome;
    }

    private List<Outcome> unavailable(long since) {
        return outcomes.stream().filter(o -> o.status() == 503 && o.endNanos() >= since).toList();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Api.Response get(String path) {
        return api().get(path).send();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private String address(String userId) {
        return jdbc.sql("select email from user_view where user_id = ?::uuid").param(userId).query(String.class).single();
    }

    private void awaitCaughtUp() {
        await("the users projection caught up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    JsonNode status = api().get("/api/admin/projections/users").token(admin).send().json();
                    return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean()
                            && status.get("progress").asDouble() >= 1.0;
                });
    }

    /** Every row of the users read model, hashed one by one and in id order (as ProjectionCrashTest does; no memberships here). */
    private String checksum() {
        return jdbc.sql("""
                select count(*) || ':' || md5(string_agg(md5(u::text), '' order by user_id))
                    || ':' || (select count(*) || ':' || coalesce(md5(string_agg(md5(m::text), '' order by user_id,
                                   organization_id)), '') from user_membership_view m)
                from user_view u""").query(String.class).single();
    }

    /** The running postmaster of this context's embedded PostgreSQL, as its postmaster.pid names it. */
    private ProcessHandle postmaster() throws IOException {
        List<String> pid = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return ProcessHandle.of(Long.parseLong(pid.get(0).strip())).filter(ProcessHandle::isAlive).orElseThrow();
    }

    private static String letters() {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            letters.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return letters.toString();
    }

    private static long ms(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }
}
