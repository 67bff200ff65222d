package io.portalusers.standalone.benchmark;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.standalone.Api;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmarks B2 and B3, the write path, each against a raw JDBC baseline in the same run:
 * <ul>
 *   <li>B2: CreateUser over HTTP (a Developer in one organization, no invitation, the username
 *   and email checked unique) from 1, 4 and 16 concurrent clients, against raw JDBC transactions
 *   from as many clients inserting the same event row (a real UserCreated's bytes) and the two
 *   lookup rows, into copies of the tables with their indexes and unique constraints.
 *   Target: at 16 clients at least 0.5x the baseline and at least 1,070 creates/s.</li>
 *   <li>B3: disable, enable and rename over HTTP of users with 5, 50 and 500 events, against a raw
 *   transaction that reads all of the user's events and inserts one. Target: p50 at most 1.5x
 *   the baseline at 5 and 50 events. The floor of an authenticated HTTP request is shown beside.</li>
 * </ul>
 * Not a test: its name keeps it out of {@code mvn verify}; benchmarks/README.md gives the command.
 */
class CommandBenchmark extends ServiceBenchmark {

    private static final String ADMIN = "00000000-0000-4000-8000-000000000001";

    @Autowired
    private DataSource dataSource;
    @Autowired
    private EventStore eventStore;
    @Autowired
    private TransactionTemplate transactions;
    /** Creations over HTTP before anything is timed. */
    @Value("${benchmark.warmup:3000}")
    private int warmup;
    @Value("${benchmark.creates:3000}")
    private int creates;
    /** Client counts of B2; an empty list skips it. */
    @Value("${benchmark.clients:1,4,16}")
    private int[] clientCounts;
    /** Event counts of B3's users; an empty list skips it. */
    @Value("${benchmark.sizes:5,50,500}")
    private int[] sizes;
    @Value("${benchmark.usersPerSize:30}")
    private int usersPerSize;
    @Value("${benchmark.results:target/benchmark/commands.md}")
    private String results;

    @Test
    void B2_B3_commands() throws Exception {
        Markdown md = new Markdown();
        md.machine("Benchmarks B2, B3: creates and lifecycle commands",
                "mvn -o -B -pl standalone -am test -Dtest=CommandBenchmark -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dbenchmark.warmup=" + warmup + " -Dbenchmark.creates=" + creates
                        + " -Dbenchmark.usersPerSize=" + usersPerSize,
                dataSource::getConnection);
        String organization = organization("Bench " + letters(10));
        copyTables();
        if (clientCounts.length > 0) {
            creates(md, organization);
        }
        if (sizes.length > 0) {
            lifecycle(md, OrganizationId.of(organization));
        }
        md.write(Path.of(results));
    }

    // ---- B2 ----

    private void creates(Markdown md, String organization) throws Exception {
        // a real creation first: its event's bytes are what the baseline inserts
        user("Warm", "Up", letters(10) + "@example.com", "DEVELOPER", organization, "DEVELOPER");
        byte[][] created = jdbc.sql("""
                        select payload, metadata from domainevententry
                        where payloadtype like '%UserCreated' order by globalindex desc limit 1""")
                .query((rs, n) -> new byte[][]{rs.getBytes(1), rs.getBytes(2)}).single();
        md.section("B2: CreateUser over HTTP against raw JDBC inserts");
        md.line("First %,d creations from 4 clients, not timed (the JIT compiles the service for tens of seconds after "
                + "it starts). Then per client count: %,d creations through `POST /api/users` as the Portal Admin (a "
                + "Developer in one organization, Notify User off), then %,d raw transactions from as many clients, each "
                + "with its own "
                + "connection: one event row (the bytes of a real UserCreated, %,d bytes of payload) into a copy of "
                + "`domainevententry` and a row into copies of `username_lookup` and `email_lookup` (their unique "
                + "constraints included; every event processor has caught up before each count; the copy of the event table numbers its rows from a sequence of its own, so "
                + "that the baseline leaves no gap in the log's global index). Rates are creations per second of wall "
                + "time.", warmup, creates, creates,
                created[0].length);
        md.line("");
        md.table("clients", "ours (creates/s)", "raw JDBC (creates/s)", "ratio", "target");
        String prefix = letters(6);
        // untimed, so that the figures are the service's steady state, not the JIT compiling it
        rate(4, warmup, i -> createOverHttp("w" + prefix, i, organization));
        for (int clients : clientCounts) {
            String round = prefix + clients;
            settle(Duration.ofMinutes(10));
            double ours = rate(clients, creates, i -> createOverHttp(round, i, organization));
            double raw = rawRate(clients, round, created);
            boolean sixteen = clients == 16;
            md.row(String.valueOf(clients), fmt(ours), fmt(raw), String.format(Locale.ROOT, "%.2fx", ours / raw),
                    sixteen ? (ours / raw >= 0.5 && ours >= 1070 ? "met" : "NOT met") + " (>= 0.5x and >= 1,070/s)" : "");
        }
    }

    private void createOverHttp(String round, int i, String organization) {
        Api.Response response = api.post("/api/users", """
                {"username": "b-%s-%d", "email": "b-%s-%d@bench.example", "firstName": "Bench", "lastName": "User%d",
                 "role": "DEVELOPER", "notify": false,
                 "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                .formatted(round, i, round, i, i, organization)).token(admin).send();
        if (response.status() != 201) {
            throw new AssertionError(response.toString());
        }
    }

    @FunctionalInterface
    private interface Work {
        void run(int index) throws Exception;
    }

    /** {@code count} calls of {@code work}, shared among {@code clients} threads; calls per second. */
    private double rate(int clients, int count, Work work) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        work.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    private double rawRate(int clients, String round, byte[][] created) throws Exception {
        List<Connection> connections = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            connections.add(connection);
        }
        try {
            ThreadLocal<Connection> mine = new ThreadLocal<>();
            AtomicInteger handed = new AtomicInteger();
            return rate(clients, creates, i -> {
                Connection connection = mine.get();
                if (connection == null) {
                    connection = connections.get(handed.getAndIncrement());
                    mine.set(connection);
                }
                UUID id = UUID.randomUUID();
                try (PreparedStatement event = connection.prepareStatement("""
                        insert into bench_event (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                                 payloadtype, payloadrevision, payload, metadata)
                        values (?, ?, 0, 'User', ?, 'io.portalusers.api.user.UserCreated', null, ?, ?)""");
                     PreparedStatement username = connection.prepareStatement(
                             "insert into bench_username (user_id, username_key) values (?, ?)");
                     PreparedStatement email = connection.prepareStatement(
                             "insert into bench_email (user_id, email_key) values (?, ?)")) {
                    event.setString(1, UUID.randomUUID().toString());
                    event.setString(2, id.toString());
                    event.setString(3, java.time.Instant.now().toString());
                    event.setBytes(4, created[0]);
                    event.setBytes(5, created[1]);
                    event.executeUpdate();
                    username.setObject(1, id);
                    username.setString(2, "r-" + round + "-" + i);
                    username.executeUpdate();
                    email.setObject(1, id);
                    email.setString(2, "r-" + round + "-" + i + "@bench.example");
                    email.executeUpdate();
                    connection.commit();
                }
            });
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /** Copies of the event table and the two lookups, with their indexes and constraints, no rows. */
    private void copyTables() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("drop table if exists bench_event, bench_username, bench_email");
            statement.execute("drop sequence if exists bench_event_seq");
            statement.execute("create table bench_event (like domainevententry including all)");
            // LIKE copies the column default, nextval of the event log's own sequence: every baseline insert
            // would then leave a gap in the log's global index, which each tracking processor carries and
            // checks on every event from then on, slowing the service measured after it. Its own sequence.
            statement.execute("create sequence bench_event_seq");
            statement.execute("alter table bench_event alter column globalindex set default nextval('bench_event_seq')");
            statement.execute("create table bench_username (like username_lookup including all)");
            statement.execute("create table bench_email (like email_lookup including all)");
        }
    }

    // ---- B3 ----

    private void lifecycle(Markdown md, OrganizationId organization) throws Exception {
        md.section("B3: disable, enable, rename over HTTP against a raw read and insert");
        md.line("Per size: %d users with that many events (created, then renamed and their language changed, "
                + "appended through the event store; then every event processor is let catch up), each then disabled, enabled and renamed once over HTTP as the "
                + "Portal Admin (`POST /api/users/{id}/disable`, `.../enable`, `PATCH /api/users/{id}`), each call "
                + "right after the baseline for the same user: one transaction reading every column of the user's "
                + "rows by aggregate id and inserting one row into a copy of `domainevententry`. Beside it, the floor "
                + "of an authenticated request (`GET /api/settings`). Latency in ms.", usersPerSize);
        md.line("");
        md.table("events", "command", "ours p50", "ours p95", "raw p50", "raw p95", "p50 ratio", "HTTP floor p50",
                "target");
        try (Connection raw = dataSource.getConnection()) {
            raw.setAutoCommit(false);
            for (int size : sizes) {
                List<UserId> users = new ArrayList<>();
                for (int u = 0; u < usersPerSize; u++) {
                    users.add(userWithEvents(size, organization));
                }
                settle(Duration.ofMinutes(10));
                String[] commands = {"disable", "enable", "rename"};
                long[][] ours = new long[commands.length][usersPerSize];
                long[][] baseline = new long[commands.length][usersPerSize];
                long[] floor = new long[usersPerSize * commands.length];
                for (int c = 0; c < commands.length; c++) {
                    for (int u = 0; u < usersPerSize; u++) {
                        UserId user = users.get(u);
                        long start = System.nanoTime();
                        readAndInsert(raw, user);
                        baseline[c][u] = System.nanoTime() - start;
                        start = System.nanoTime();
                        Api.Response response = switch (commands[c]) {
                            case "disable" -> api.post("/api/users/" + user + "/disable", "").token(admin).send();
                            case "enable" -> api.post("/api/users/" + user + "/enable", "").token(admin).send();
                            default -> api.patch("/api/users/" + user, """
                                    {"firstName": "Renamed", "lastName": "User%d"}""".formatted(u)).token(admin).send();
                        };
                        ours[c][u] = System.nanoTime() - start;
                        assertThat(response.status()).as(response.toString()).isEqualTo(200);
                        start = System.nanoTime();
                        assertThat(api.get("/api/settings").token(admin).send().status()).isEqualTo(200);
                        floor[c * usersPerSize + u] = System.nanoTime() - start;
                    }
                }
                Arrays.sort(floor);
                for (int c = 0; c < commands.length; c++) {
                    Arrays.sort(ours[c]);
                    Arrays.sort(baseline[c]);
                    double ratio = ms(ours[c], 0.5) / ms(baseline[c], 0.5);
                    md.row(String.format(Locale.ROOT, "%,d", size), commands[c], ms3(ours[c], 0.5), ms3(ours[c], 0.95),
                            ms3(baseline[c], 0.5), ms3(baseline[c], 0.95), String.format(Locale.ROOT, "%.2fx", ratio),
                            ms3(floor, 0.5), size <= 50 ? (ratio <= 1.5 ? "met" : "NOT met") + " (p50 <= 1.5x)" : "");
                }
            }
        }
    }

    /** A user with {@code events} events: created, then renamed and its language changed in turn. */
    private UserId userWithEvents(int events, OrganizationId organization) {
        UserId user = givenUser(Role.DEVELOPER, new Membership(organization, Role.DEVELOPER));
        transactions.executeWithoutResult(status -> {
            for (long sequence = 1; sequence < events; sequence++) {
                Object payload = sequence % 2 == 1
                        ? new UserNameChanged(user, new PersonName("Name" + sequence, "User"))
                        : new UserLanguageChanged(user, sequence % 4 == 0 ? Language.ENGLISH : Language.of("de"));
                eventStore.publish(new GenericDomainEventMessage<>("User", user.toString(), sequence, payload,
                        MetaData.from(Map.of(RequestMetadata.ACTOR_ID, ADMIN,
                                RequestMetadata.CORRELATION_ID, "bench-" + sequence))));
            }
        });
        assertThat(eventCount(user.toString())).isEqualTo(events);
        return user;
    }

    /** The baseline of B3: every column of the user's events read, one event row inserted, committed. */
    private static void readAndInsert(Connection connection, UserId user) throws SQLException {
        long last = -1;
        byte[] payload = null;
        byte[] metadata = null;
        try (PreparedStatement select = connection.prepareStatement("""
                select globalindex, eventidentifier, timestamp, payloadtype, payloadrevision, payload,
                       metadata, sequencenumber, type
                from domainevententry where aggregateidentifier = ? order by sequencenumber""")) {
            select.setString(1, user.toString());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(1);
                    rs.getString(2);
                    rs.getString(3);
                    rs.getString(4);
                    rs.getString(5);
                    payload = rs.getBytes(6);
                    metadata = rs.getBytes(7);
                    last = rs.getLong(8);
                    rs.getString(9);
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into bench_event (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                         payloadtype, payloadrevision, payload, metadata)
                values (?, ?, ?, 'User', ?, 'io.portalusers.api.user.UserDisabled', null, ?, ?)""")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, user.toString());
            insert.setLong(3, last + 1);
            insert.setString(4, java.time.Instant.now().toString());
            insert.setBytes(5, payload);
            insert.setBytes(6, metadata);
            insert.executeUpdate();
        }
        connection.commit();
    }

    private static double ms(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static String ms3(long[] sorted, double p) {
        return String.format(Locale.ROOT, "%.2f", ms(sorted, p));
    }

    private static String fmt(double rate) {
        return String.format(Locale.ROOT, "%,.0f", rate);
    }
}
