package io.portalusers.standalone.benchmark;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.portalusers.command.CommandSideApplication;
import io.portalusers.query.QuerySideApplication;
import io.portalusers.standalone.Api;
import io.portalusers.standalone.NodeHarness;
import io.portalusers.standalone.NodeHarness.Node;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out of each side: command and query nodes as child JVMs ({@link NodeHarness}, as in
 * {@code MultiNodeTest}) on one embedded PostgreSQL, production configuration (tokens of a
 * configured issuer's key, SMTP to a GreenMail in this JVM). After seeding a population through
 * the API, it drives a fixed mix of requests from {@code benchmark.clients} client threads, each
 * request to the next node of its side (round-robin), for 1 command and 1 query node, 2 and 1,
 * 2 and 2, then 1 and 2 (nodes are started and stopped cleanly between configurations), and
 * reports throughput, latency, answers by status, the projection lag and the CPU of each
 * process. After each configuration it checks that every acknowledged creation is in the event
 * log and that the users view equals the log (per-user last version). Not a test: surefire's
 * default includes skip it; the command is in benchmarks/README.md.
 */
class ScaleOutBenchmark {

    private static final String BOOTSTRAP_ADMIN = "00000000-0000-4000-8000-000000000001";
    private static final String ISSUER = "https://idp.portal.example/realms/portal";
    private static final String AUDIENCE = "portal-users-api";

    private static final int USERS = Integer.getInteger("benchmark.users", 20_000);
    private static final int ORGANIZATIONS = Integer.getInteger("benchmark.organizations", 5);
    private static final int CLIENTS = Integer.getInteger("benchmark.clients", 16);
    private static final int SEED_CLIENTS = Integer.getInteger("benchmark.seedClients", 8);
    private static final int WARMUP = Integer.getInteger("benchmark.warmupSeconds", 15);
    private static final int MEASURE = Integer.getInteger("benchmark.measureSeconds", 60);
    private static final String HEAP = System.getProperty("benchmark.nodeHeap", "512m");
    private static final Path RESULTS = Path.of(System.getProperty("benchmark.results", "target/benchmark/scale-out.md"));
    private static final Duration STARTUP = Duration.ofMinutes(5);

    private static final String[] FIRST = {"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
            "Anne-Marie", "José", "Zoë", "Li", "Ana", "Karen", "Daniel", "Nancy", "Matthew", "Sandra"};
    private static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
            "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "O'Brien", "Müller", "Nguyen",
            "Kowalski", "Rossi", "Dubois", "Schmidt", "Silva", "Kim", "Kalora", "Vorshi", "Tenbel", "Quzorni"};
    private static final String[] DOMAINS = {"example.com", "example.com", "example.com", "corp.example.org",
            "acme-widgets.example", "university.example.edu"};

    /** The kinds of request of the mix and their weights (of 100). */
    enum Kind {
        CREATE(5, true), CREATE_NOTIFY(5, true), EDIT_NAME(10, true), EDIT_EMAIL(5, true), ENABLE_DISABLE(5, true),
        SEARCH(20, false), TYPEAHEAD(15, false), HISTORY(10, false), READ(25, false);

        final int weight;
        final boolean command;

        Kind(int weight, boolean command) {
            this.weight = weight;
            this.command = command;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private EmbeddedPostgres postgres;
    private JdbcClient jdbc;
    private GreenMail mail;
    private NodeHarness harness;
    private String admin;
    private List<String> production;
    private List<String> queryNode;
    private final List<Node> commandNodes = new ArrayList<>();
    private final List<Node> queryNodes = new ArrayList<>();

    /** The users the mix works on (seeded and created), their last version known to the clients, and who is disabled. */
    private final List<String> users = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();
    /** Every creation answered 2xx, over the whole run. */
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> organizations = new ArrayList<>();
    private String probe;

    @Test
    void throughput_latency_and_cpu_with_one_and_two_nodes_of_each_side() throws Exception {
        Markdown md = new Markdown();
        List<Result> results = new ArrayList<>();
        String seeding;
        Instant began = Instant.now();
        try {
            startFirstNodes();
            seeding = seed();
            int[][] configurations = {{1, 1}, {2, 1}, {2, 2}, {1, 2}};
            for (int[] configuration : configurations) {
                scaleTo(configuration[0], configuration[1]);
                Result result = run(configuration[0], configuration[1]);
                results.add(result);
                System.out.printf("scale-out: %d command, %d query: %.1f requests/s, %d server errors%n",
                        result.commands, result.queries, result.throughput(), result.serverErrors.size());
            }
            report(md, seeding, results, Duration.between(began, Instant.now()));
            md.write(RESULTS);
        } finally {
            stopEverything();
        }
        for (Result result : results) {
            assertThat(result.serverErrors).as("5xx with %d command and %d query nodes", result.commands, result.queries)
                    .isEmpty();
            assertThat(result.missing).as("acknowledged creations missing from the log").isZero();
            assertThat(result.viewEqualsLog).as("users view equals the log").isTrue();
        }
    }

    // ---- nodes

    private void startFirstNodes() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        jdbc = JdbcClient.create(postgres.getPostgresDatabase());
        mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Path dir = Files.createDirectories(Path.of("target", "scale-out", Long.toString(System.currentTimeMillis())));
        RSAKey issuerKey = new RSAKeyGenerator(2048).generate();
        Path publicKey = dir.resolve("issuer.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(issuerKey.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        admin = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(issuerKey))).encode(JwtEncoderParameters.from(
                JwsHeader.with(SignatureAlgorithm.RS256).build(),
                JwtClaimsSet.builder().issuer(ISSUER).audience(List.of(AUDIENCE)).subject(BOOTSTRAP_ADMIN)
                        .issuedAt(Instant.now()).expiresAt(Instant.now().plus(Duration.ofHours(6))).build()))
                .getTokenValue();
        production = List.of(
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKey.toAbsolutePath(),
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
                "--spring.security.oauth2.resourceserver.jwt.audiences=" + AUDIENCE,
                "--portal.bootstrap-admin.invite=false",
                // personal data's master key, the same on every node: a side does not start without one
                "--portal.privacy.master-key=" + java.util.Base64.getEncoder()
                        .encodeToString(new java.security.SecureRandom().generateSeed(32)));
        queryNode = new ArrayList<>(production);
        queryNode.addAll(List.of("--spring.mail.host=127.0.0.1", "--spring.mail.port=" + mail.getSmtp().getPort()));
        // full JIT (unlike MultiNodeTest's C1 only, which starts faster): a benchmark measures warm nodes
        harness = new NodeHarness(dir, List.of("-Xmx" + HEAP, "-XX:+UseSerialGC"));
        Node command = harness.start("command-1", CommandSideApplication.class, production);
        Node query = harness.start("query-1", QuerySideApplication.class, queryNode);
        NodeHarness.awaitReady(command, STARTUP);
        NodeHarness.awaitReady(query, STARTUP);
        commandNodes.add(command);
        queryNodes.add(query);
        await().atMost(Duration.ofSeconds(120)).until(() -> query.api().get("/api/users/" + BOOTSTRAP_ADMIN)
                .token(admin).send().status() == 200);
    }

    /** Starts or stops (SIGTERM, as an orchestrator scales down) the second node of each side. */
    private void scaleTo(int commands, int queries) throws Exception {
        List<Node> started = new ArrayList<>();
        while (commandNodes.size() < commands) {
            Node node = harness.start("command-" + (commandNodes.size() + 1),
                    CommandSideApplication.class, production);
            started.add(node);
            commandNodes.add(node);
        }
        while (queryNodes.size() < queries) {
            Node node = harness.start("query-" + (queryNodes.size() + 1),
                    QuerySideApplication.class, queryNode);
            started.add(node);
            queryNodes.add(node);
        }
        for (Node node : started) {
            NodeHarness.awaitReady(node, STARTUP);
        }
        while (commandNodes.size() > commands) {
            NodeHarness.stop(commandNodes.remove(commandNodes.size() - 1));
        }
        while (queryNodes.size() > queries) {
            NodeHarness.stop(queryNodes.remove(queryNodes.size() - 1));
        }
    }

    private void stopEverything() throws Exception {
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            if (mail != null) {
                mail.stop();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    // ---- seeding

    /** Organizations, then {@link #USERS} users through the API from several clients on the one command node. */
    private String seed() throws Exception {
        Api command = commandNodes.get(0).api();
        for (int i = 0; i < ORGANIZATIONS; i++) {
            String id = UUID.randomUUID().toString();
            Api.Response created = command.post("/api/organizations", """
                    {"id": "%s", "name": "Benchmark Org %d", "accountPlan": "Gold"}""".formatted(id, i)).token(admin).send();
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            organizations.add(id);
        }
        probe = UUID.randomUUID().toString();
        assertThat(command.post("/api/users", createBody(probe, "probe", "probe@example.com", "Probe", "Lag", false))
                .token(admin).send().status()).isEqualTo(201);
        versions.put(probe, new AtomicLong(0));
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(SEED_CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < SEED_CLIENTS; c++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < USERS; i = next.getAndIncrement()) {
                        String id = UUID.randomUUID().toString();
                        Api.Response answer = command.post("/api/users", randomCreate(id, "seed" + i, false))
                                .token(admin).send();
                        if (answer.status() == 201) {
                            added(id, 0);
                        } else {
                            failures.add(answer.status() + " " + answer.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(failures).as("seed creations refused").isEmpty();
        long projected = System.nanoTime();
        awaitViewEqualsLog(Duration.ofMinutes(10));
        double projectedAfter = (System.nanoTime() - projected) / 1e9;
        return ("%,d users (and a probe user for the lag) in %d organizations (DEVELOPER or ORG_PUBLISHER members, "
                + "one in five an API_OWNER without organization), created through the API (`POST /api/users`, no "
                + "invitation) by %d clients on command node 1 in %.0f s (%.0f creations/s); query node 1 showed all of "
                + "them %.1f s after the last one was acknowledged").formatted(USERS, ORGANIZATIONS, SEED_CLIENTS, seconds,
                USERS / seconds, projectedAfter);
    }

    private void added(String id, long version) {
        versions.put(id, new AtomicLong(version));
        acknowledged.add(id);
        users.add(id);
    }

    private String randomCreate(String id, String username, boolean notify) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String first = FIRST[skewed(random, FIRST.length)];
        String last = LAST[skewed(random, LAST.length)];
        String email = ascii(first) + "." + ascii(last) + "." + username + "@" + DOMAINS[random.nextInt(DOMAINS.length)];
        return createBody(id, username, email, first, last, notify);
    }

    private String createBody(String id, String username, String email, String first, String last, boolean notify) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int pick = random.nextInt(10);
        if (pick < 2) {
            return """
                    {"id": "%s", "username": "%s", "email": "%s", "firstName": "%s", "lastName": "%s",
                     "role": "API_OWNER", "notify": %s}""".formatted(id, username, email, first, last, notify);
        }
        String organization = organizations.get(skewed(random, organizations.size()));
        return """
                {"id": "%s", "username": "%s", "email": "%s", "firstName": "%s", "lastName": "%s", "role": "%s",
                 "memberships": [{"organizationId": "%s", "role": "%s"}], "notify": %s}""".formatted(id, username, email,
                first, last, pick < 8 ? "DEVELOPER" : "ORG_PUBLISHER", organization,
                pick < 8 ? "DEVELOPER" : "ORG_PUBLISHER", notify);
    }

    /** An index below {@code n}, the first ones far more often (a few common names, a few large organizations). */
    private static int skewed(ThreadLocalRandom random, int n) {
        return (int) Math.min(n - 1, Math.floor(Math.pow(random.nextDouble(), 2.5) * n));
    }

    private static String ascii(String name) {
        return java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "").replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
    }

    // ---- one configuration

    private Result run(int commands, int queries) throws Exception {
        Result result = new Result(commands, queries);
        List<Node> commandSide = List.copyOf(commandNodes);
        List<Node> querySide = List.copyOf(queryNodes);
        AtomicLong commandTurn = new AtomicLong();
        AtomicLong queryTurn = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean measuring = new AtomicBoolean(false);
        long[] window = new long[2];
        String run = "r" + commands + queries + "x" + (System.currentTimeMillis() % 100_000);
        AtomicInteger created = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            done.add(clients.submit(() -> {
                while (running.get()) {
                    Kind kind = pick();
                    // the load measures the service: its clients do not check each answer against the document
                    Api node = (kind.command
                            ? commandSide.get((int) (commandTurn.getAndIncrement() % commandSide.size()))
                            : querySide.get((int) (queryTurn.getAndIncrement() % querySide.size()))).api()
                            .uncheckedAgainstOpenApi();
                    long begin = System.nanoTime();
                    boolean counted = measuring.get();
                    int status;
                    try {
                        status = send(kind, node, run + "-" + created.incrementAndGet(),
                                querySide.get(0).api().uncheckedAgainstOpenApi(), result, counted);
                    } catch (UncheckedIOException e) {
                        status = -1;
                    }
                    long end = System.nanoTime();
                    if (counted && measuring.get()) {
                        result.record(kind, status, end - begin);
                    }
                }
                return null;
            }));
        }
        Thread.sleep(WARMUP * 1000L);
        Cpu before = cpu();
        window[0] = System.nanoTime();
        measuring.set(true);
        Thread.sleep(MEASURE * 1000L);
        measuring.set(false);
        window[1] = System.nanoTime();
        Cpu after = cpu();
        result.seconds = (window[1] - window[0]) / 1e9;
        result.cpu = after.minus(before, result.seconds);
        // the lag, still under load: an edit of the probe user, then how long until a query node shows it
        result.lagMillis = lag(commandSide.get(0).api().uncheckedAgainstOpenApi(),
                querySide.get(0).api().uncheckedAgainstOpenApi());
        running.set(false);
        clients.shutdown();
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        long settled = System.nanoTime();
        result.viewEqualsLog = awaitViewEqualsLog(Duration.ofMinutes(3));
        result.settleSeconds = (System.nanoTime() - settled) / 1e9;
        result.missing = missingFromTheLog();
        result.usersInLog = jdbc.sql("select count(distinct aggregateidentifier) from domainevententry where type = 'User'")
                .query(Long.class).single();
        return result;
    }

    private Kind pick() {
        int roll = ThreadLocalRandom.current().nextInt(100);
        for (Kind kind : Kind.values()) {
            roll -= kind.weight;
            if (roll < 0) {
                return kind;
            }
        }
        return Kind.READ;
    }

    private int send(Kind kind, Api node, String fresh, Api refresh, Result result, boolean counted) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String user = users.get(random.nextInt(users.size()));
        Api.Response answer;
        switch (kind) {
            case CREATE, CREATE_NOTIFY -> {
                String id = UUID.randomUUID().toString();
                boolean notify = kind == Kind.CREATE_NOTIFY;
                answer = node.post("/api/users", randomCreate(id, fresh, notify)).token(admin).send();
                if (answer.status() == 201) {
                    added(id, notify ? 1 : 0);
                }
            }
            case EDIT_NAME, EDIT_EMAIL -> {
                AtomicLong known = versions.get(user);
                String body = kind == Kind.EDIT_NAME
                        ? """
                        {"firstName": "%s", "lastName": "%s"}""".formatted(FIRST[skewed(random, FIRST.length)],
                        LAST[skewed(random, LAST.length)])
                        : """
                        {"email": "edited.%s@example.com"}""".formatted(fresh);
                answer = node.patch("/api/users/" + user, body).header("If-Match", "\"" + known.get() + "\"")
                        .token(admin).send();
                if (answer.status() == 200) {
                    known.accumulateAndGet(answer.json().get("version").asLong(), Math::max);
                } else if (answer.status() == 409) {
                    // another client edited it first: learn its version from the query side, as a portal would
                    Api.Response read = refresh.get("/api/users/" + user).token(admin).send();
                    if (read.status() == 200) {
                        known.accumulateAndGet(read.json().get("version").asLong(), Math::max);
                    }
                }
            }
            case ENABLE_DISABLE -> {
                boolean enable = disabled.contains(user);
                answer = node.post("/api/users/" + user + (enable ? "/enable" : "/disable"), "").token(admin).send();
                if (answer.status() == 200) {
                    if (enable) {
                        disabled.remove(user);
                    } else {
                        disabled.add(user);
                    }
                    versions.get(user).accumulateAndGet(answer.json().get("version").asLong(), Math::max);
                }
            }
            case SEARCH -> answer = node.get("/api/users?" + (random.nextInt(4) == 0 ? "email=" + term(DOMAINS)
                    : "name=" + term(random.nextBoolean() ? LAST : FIRST))).token(admin).send();
            case TYPEAHEAD -> answer = node.get("/api/users/suggestions?name=" + term(LAST)).token(admin).send();
            case HISTORY -> answer = node.get("/api/users/" + user + "/history").token(admin).send();
            default -> answer = node.get("/api/users/" + user).token(admin).send();
        }
        if (answer.status() >= 500 && counted) {
            result.serverErrors.add(kind.label() + " " + answer.status() + " " + answer.body());
        }
        return answer.status();
    }

    /** Three letters of a name: its start, or from its middle (search matches within names). */
    private static String term(String[] values) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String word = ascii(values[skewed(random, values.length)]);
        if (word.length() < 3) {
            word = word + "ne";
        }
        int from = random.nextInt(3) == 0 ? random.nextInt(word.length() - 2) : 0;
        return word.substring(from, from + 3);
    }

    private long lag(Api command, Api query) {
        Api.Response edited = command.patch("/api/users/" + probe, """
                {"firstName": "Probe", "lastName": "Lag%d"}""".formatted(System.nanoTime() % 1_000_000)).token(admin).send();
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        long acknowledgedAt = System.nanoTime();
        long version = edited.json().get("version").asLong();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(() -> {
            Api.Response read = query.get("/api/users/" + probe).token(admin).send();
            return read.status() == 200 && read.json().get("version").asLong() >= version;
        });
        return (System.nanoTime() - acknowledgedAt) / 1_000_000;
    }

    // ---- correctness

    /** Waits until every user of the log has its row with its last event's version; false if that never came. */
    private boolean awaitViewEqualsLog(Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> viewChecksum().equals(logChecksum()));
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("scale-out: users view not equal to the log: " + viewChecksum() + " vs " + logChecksum());
            return false;
        }
    }

    private String viewChecksum() {
        return jdbc.sql("select count(*) || ':' || md5(string_agg(user_id::text || '@' || version, ',' order by user_id::text)) "
                + "from user_view").query(String.class).single();
    }

    private String logChecksum() {
        return jdbc.sql("""
                select count(*) || ':' || md5(string_agg(aggregateidentifier || '@' || last, ',' order by aggregateidentifier))
                from (select aggregateidentifier, max(sequencenumber) as last from domainevententry
                      where type = 'User' group by aggregateidentifier) users""").query(String.class).single();
    }

    private long missingFromTheLog() {
        List<String> ids = List.copyOf(acknowledged);
        long found = jdbc.sql("""
                        select count(*) from domainevententry
                        where payloadtype = 'io.portalusers.api.user.UserCreated' and aggregateidentifier = any(?)""")
                .param(ids.toArray(String[]::new)).query(Long.class).single();
        return ids.size() - found;
    }

    // ---- CPU

    /** CPU ticks (user + system) of each node, of PostgreSQL (postmaster, its reaped and live children), of this JVM and of the machine. */
    record Cpu(Map<String, Long> ticks) {

        Map<String, Double> minus(Cpu before, double seconds) {
            Map<String, Double> cores = new LinkedHashMap<>();
            ticks.forEach((name, value) -> {
                Long earlier = before.ticks.get(name);
                if (earlier != null) {
                    cores.put(name, (value - earlier) / (double) CLOCK_TICKS / seconds);
                }
            });
            return cores;
        }
    }

    private static final long CLOCK_TICKS = clockTicks();

    private Cpu cpu() throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Node node : commandNodes) {
            ticks.put(node.name(), processTicks(node.process().pid(), false));
        }
        for (Node node : queryNodes) {
            ticks.put(node.name(), processTicks(node.process().pid(), false));
        }
        long postmaster = postmaster();
        long database = processTicks(postmaster, true);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String[] fields = statFields(Files.readString(process.resolve("stat")));
                    if (Long.parseLong(fields[1]) == postmaster) {
                        database += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // a process that ended meanwhile
                }
            }
        }
        ticks.put("PostgreSQL", database);
        ticks.put("benchmark JVM (clients)", processTicks(ProcessHandle.current().pid(), false));
        String[] machine = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
            busy += Long.parseLong(machine[i]);
        }
        ticks.put("machine (all processes)", busy);
        return new Cpu(ticks);
    }

    /** The parent of a backend, read while that backend's connection is open (each JdbcClient call opens its own). */
    private long postmaster() throws IOException {
        try (java.sql.Connection connection = postgres.getPostgresDatabase().getConnection();
             java.sql.ResultSet rs = connection.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            return Long.parseLong(statFields(Files.readString(Path.of("/proc", Integer.toString(rs.getInt(1)), "stat")))[1]);
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
    }

    private static long processTicks(long pid, boolean withReapedChildren) throws IOException {
        String[] fields = statFields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return withReapedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
    }

    /** The fields of /proc/[pid]/stat after the command's name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            getconf.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    // ---- results

    static final class Result {
        final int commands;
        final int queries;
        final Map<Kind, List<Long>> latencies = new EnumMap<>(Kind.class);
        final Map<Kind, Map<Integer, Integer>> statuses = new EnumMap<>(Kind.class);
        final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        double seconds;
        Map<String, Double> cpu;
        long lagMillis;
        boolean viewEqualsLog;
        double settleSeconds;
        long missing;
        long usersInLog;

        Result(int commands, int queries) {
            this.commands = commands;
            this.queries = queries;
            for (Kind kind : Kind.values()) {
                latencies.put(kind, new ArrayList<>());
                statuses.put(kind, new TreeMap<>());
            }
        }

        synchronized void record(Kind kind, int status, long nanos) {
            latencies.get(kind).add(nanos);
            statuses.get(kind).merge(status, 1, Integer::sum);
        }

        synchronized long count(Kind kind) {
            return latencies.get(kind).size();
        }

        double throughput() {
            return Stream.of(Kind.values()).mapToLong(this::count).sum() / seconds;
        }

        double throughput(boolean command) {
            return Stream.of(Kind.values()).filter(k -> k.command == command).mapToLong(this::count).sum() / seconds;
        }

        synchronized double percentile(Kind kind, double p) {
            List<Long> sorted = new ArrayList<>(latencies.get(kind));
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(sorted);
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)) / 1e6;
        }

        synchronized Map<Integer, Integer> statusesOf(boolean command) {
            Map<Integer, Integer> all = new TreeMap<>();
            statuses.forEach((kind, counts) -> {
                if (kind.command == command) {
                    counts.forEach((status, n) -> all.merge(status, n, Integer::sum));
                }
            });
            return all;
        }

        String name() {
            return commands + " command, " + queries + " query";
        }
    }

    private void report(Markdown md, String seeding, List<Result> results, Duration total) {
        md.machine("Scale-out: 1 and 2 nodes of each side", "nice -n 10 mvn -o -B -pl standalone -am test "
                + "-Dtest=ScaleOutBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.users=" + USERS
                + " -Dbenchmark.clients=" + CLIENTS + " -Dbenchmark.warmupSeconds=" + WARMUP
                + " -Dbenchmark.measureSeconds=" + MEASURE + " -Dbenchmark.results=" + System.getProperty(
                "benchmark.results", RESULTS.toString()), () -> postgres.getPostgresDatabase().getConnection(),
                "each node a child JVM (`NodeHarness`, as in `MultiNodeTest`; -Xmx" + HEAP + ", SerialGC, Hikari pool "
                        + "10), production configuration, called over HTTP on 127.0.0.1 by the benchmark's JVM");
        md.line("- population: " + seeding);
        md.line("- load: %d client threads in the benchmark's JVM, closed loop (each sends its next request when the "
                + "last one is answered), each request to the next node of its side (round-robin over all clients); "
                + "%d s warm-up, then %d s measured, per configuration; the whole run took %d min", CLIENTS, WARMUP,
                MEASURE, total.toMinutes());
        StringBuilder mix = new StringBuilder();
        for (Kind kind : Kind.values()) {
            mix.append(mix.isEmpty() ? "" : ", ").append(kind.label()).append(' ').append(kind.weight).append('%');
        }
        md.line("- mix: " + mix + ". create: `POST /api/users` without invitation, create-notify: with one (an email "
                + "through GreenMail); edit-name / edit-email: `PATCH /api/users/{id}` with the `If-Match` of the last "
                + "version the clients saw (after a 409 they read the user from a query node, counted as a read); "
                + "enable-disable: `POST .../enable` or `.../disable`; search: `GET /api/users?name=` (or `email=`) "
                + "with a 3-letter term, typeahead: `GET /api/users/suggestions?name=` with 3 letters; history: "
                + "`GET /api/users/{id}/history`; read: `GET /api/users/{id}`; users picked uniformly among all");
        md.line("- configurations in the order run: %s; a second node is started (and ready) before its configuration, "
                + "and stopped with SIGTERM after", results.stream().map(Result::name).toList());
        md.line("- query side: only one query node runs the projections and the notifier (the first started claims "
                + "every segment, the other stands by), so the second query node adds capacity for reads only");

        md.section("Throughput");
        md.table("configuration", "requests/s", "commands/s", "queries/s", "5xx", "409", "other 4xx", "lag (ms)",
                "view = log", "acknowledged missing");
        for (Result r : results) {
            Map<Integer, Integer> all = new TreeMap<>(r.statusesOf(true));
            r.statusesOf(false).forEach((s, n) -> all.merge(s, n, Integer::sum));
            int conflicts = all.getOrDefault(409, 0);
            int server = all.entrySet().stream().filter(e -> e.getKey() >= 500 || e.getKey() < 0)
                    .mapToInt(Map.Entry::getValue).sum();
            int other = all.entrySet().stream().filter(e -> e.getKey() >= 400 && e.getKey() < 500 && e.getKey() != 409)
                    .mapToInt(Map.Entry::getValue).sum();
            md.row(r.name(), "%.1f".formatted(r.throughput()), "%.1f".formatted(r.throughput(true)),
                    "%.1f".formatted(r.throughput(false)), Integer.toString(server), Integer.toString(conflicts),
                    Integer.toString(other), Long.toString(r.lagMillis),
                    (r.viewEqualsLog ? "yes" : "NO") + " (%,d users, %.0f s)".formatted(r.usersInLog, r.settleSeconds),
                    Long.toString(r.missing));
        }
        md.line("");
        md.line("409 are races the mix provokes (two clients editing one user with the same `If-Match`, or enabling "
                + "and disabling one user at once); 5xx (and answers that never came, counted with them) fail the "
                + "run. lag: from the `200` of an edit sent at the end of the measured window, still under load, until "
                + "a query node answered that version. A 404 of a read is a user created an instant before, not yet projected. view = log: after the load stopped, every user's row in "
                + "`user_view` carries its last event's sequence number (count and md5 over all users), and the "
                + "seconds the query side took to get there.");

        Result base = results.get(0);
        md.section("Scaling ratios");
        md.table("ratio", "overall", "commands", "queries");
        for (Result r : results.subList(1, results.size())) {
            md.row(r.name() + " / " + base.name(), "%.2f".formatted(r.throughput() / base.throughput()),
                    "%.2f".formatted(r.throughput(true) / base.throughput(true)),
                    "%.2f".formatted(r.throughput(false) / base.throughput(false)));
        }

        md.section("Per kind: requests/s and latency p50 / p95 / p99 (ms)");
        List<String> header = new ArrayList<>(List.of("kind"));
        results.forEach(r -> header.add(r.name()));
        md.table(header.toArray(String[]::new));
        for (Kind kind : Kind.values()) {
            List<String> row = new ArrayList<>(List.of(kind.label()));
            for (Result r : results) {
                row.add("%.1f/s · %.0f / %.0f / %.0f".formatted(r.count(kind) / r.seconds, r.percentile(kind, 0.50),
                        r.percentile(kind, 0.95), r.percentile(kind, 0.99)));
            }
            md.row(row.toArray(String[]::new));
        }

        md.section("Answers by status");
        md.table(header.toArray(String[]::new));
        for (Kind kind : Kind.values()) {
            List<String> row = new ArrayList<>(List.of(kind.label()));
            for (Result r : results) {
                synchronized (r) {
                    row.add(r.statuses.get(kind).entrySet().stream()
                            .map(e -> (e.getKey() < 0 ? "no answer" : e.getKey().toString()) + ": " + e.getValue())
                            .reduce((a, b) -> a + ", " + b).orElse(""));
                }
            }
            md.row(row.toArray(String[]::new));
        }

        md.section("CPU over the measured window (cores busy: CPU seconds / wall seconds; the machine has "
                + Runtime.getRuntime().availableProcessors() + ")");
        List<String> processes = new ArrayList<>();
        results.forEach(r -> r.cpu.keySet().forEach(p -> {
            if (!processes.contains(p)) {
                processes.add(p);
            }
        }));
        List<String> cpuHeader = new ArrayList<>(header);
        cpuHeader.set(0, "process");
        md.table(cpuHeader.toArray(String[]::new));
        for (String process : processes) {
            List<String> row = new ArrayList<>(List.of(process));
            for (Result r : results) {
                Double cores = r.cpu.get(process);
                row.add(cores == null ? "" : "%.2f".formatted(cores));
            }
            md.row(row.toArray(String[]::new));
        }
        List<String> others = new ArrayList<>(List.of("other work on the machine"));
        for (Result r : results) {
            double ours = r.cpu.entrySet().stream().filter(e -> !e.getKey().startsWith("machine"))
                    .mapToDouble(Map.Entry::getValue).sum();
            others.add("%.2f".formatted(r.cpu.get("machine (all processes)") - ours));
        }
        md.row(others.toArray(String[]::new));
        md.line("");
        md.line("PostgreSQL: the postmaster's own time, the time of its children it reaped (backends that ended) and "
                + "that of its live children (backends, checkpointer, WAL writer ...), from /proc/[pid]/stat. The "
                + "machine row is /proc/stat over all processes: what it shows beyond the rows above is other work "
                + "on the shared machine.");
        for (Result r : results) {
            if (!r.serverErrors.isEmpty()) {
                md.section("Server errors, " + r.name());
                r.serverErrors.stream().limit(20).forEach(e -> md.line("- `" + e.replace('\n', ' ').replace('`', '\'')
                        .substring(0, Math.min(300, e.length())) + "`"));
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
