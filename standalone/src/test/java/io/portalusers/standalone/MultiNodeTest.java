package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.portalusers.command.CommandSideApplication;
import io.portalusers.query.QuerySideApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static io.portalusers.standalone.NodeHarness.Node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several nodes of each side on one PostgreSQL, as separate JVMs ({@link NodeHarness}): two
 * command nodes and two query nodes, production configuration (tokens of a configured issuer's
 * key, SMTP to a GreenMail in this JVM). Races for one email, one username and one user across
 * the command nodes; a command node and then a query node killed with SIGKILL under load, with
 * nothing acknowledged lost, the survivor taking over the dead node's segments, the users view
 * ending as a fresh replay leaves it and every invitation sent as one email; and a rebuild,
 * refused while another query node is alive and done once one is left.
 *
 * <p>The tests run in order on the one set of nodes: the kills leave one node of each side.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeTest {

    private static final String BOOTSTRAP_ADMIN = "00000000-0000-4000-8000-000000000001";
    private static final String ISSUER = "https://idp.portal.example/realms/portal";
    private static final String AUDIENCE = "portal-users-api";
    private static final int SEGMENTS = 4;
    private static final Duration STARTUP = Duration.ofMinutes(4);
    /** A query node sends emails on one thread: its mail dispatcher's rounds run on a PeriodicTask of their own. */
    private static final int DISPATCHER_THREADS_PER_NODE = 1;

    private static EmbeddedPostgres postgres;
    private static JdbcClient jdbc;
    private static Mailbox mail;
    private static NodeHarness harness;
    private static Node command1;
    private static Node command2;
    private static Node query1;
    private static Node query2;
    private static String admin;

    /** Every creation asked for, acknowledged or not: id to email. */
    private static final Map<String, String> attempted = new ConcurrentHashMap<>();
    /** The creations answered 201. */
    private static final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startTwoNodesOfEachSide() throws Exception {
        // a node killed in the middle of an SMTP exchange ends the mail server's handler thread with
        // "Connection reset": expected here, and not a failure of whichever wait runs next (Awaitility
        // fails a wait on any thread's uncaught exception by default)
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
        Instant begin = Instant.now();
        postgres = EmbeddedPostgres.builder().start();
        jdbc = JdbcClient.create(postgres.getPostgresDatabase());
        mail = Mailbox.start();
        Path dir = Files.createDirectories(Path.of("target", "multi-node", Long.toString(System.currentTimeMillis())));
        RSAKey issuerKey = new RSAKeyGenerator(2048).generate();
        Path publicKey = dir.resolve("issuer.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(issuerKey.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        admin = ProductionConfigurationTest.sign(issuerKey, ProductionConfigurationTest.claims(BOOTSTRAP_ADMIN)
                .issuer(ISSUER).audience(List.of(AUDIENCE)).expiresAt(Instant.now().plus(Duration.ofHours(2))).build());
        List<String> production = List.of(
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKey.toAbsolutePath(),
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
                "--spring.security.oauth2.resourceserver.jwt.audiences=" + AUDIENCE,
                "--portal.bootstrap-admin.invite=false", ProductionConfigurationTest.MASTER_KEY);
        List<String> queryNode = new ArrayList<>(production);
        queryNode.addAll(List.of("--spring.mail.host=127.0.0.1", "--spring.mail.port=" + mail.port,
                // an email claimed by a killed node is sent by another after this, within the test
                "--portal.mail.claim=10s"));
        harness = new NodeHarness(dir, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:ActiveProcessorCount=2"));
        command1 = harness.start("command-1", CommandSideApplication.class, production);
        command2 = harness.start("command-2", CommandSideApplication.class, production);
        query1 = harness.start("query-1", QuerySideApplication.class, queryNode);
        query2 = harness.start("query-2", QuerySideApplication.class, queryNode);
        for (Node node : List.of(command1, command2, query1, query2)) {
            NodeHarness.awaitReady(node, STARTUP);
        }
        // the query nodes know the admin once they projected it, and all segments are claimed
        await().atMost(Duration.ofSeconds(60)).until(() -> query1.api().get("/api/users/" + BOOTSTRAP_ADMIN)
                .token(admin).send().status() == 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> owners("users").size() == SEGMENTS
                && owners("notifier").size() == SEGMENTS);
        System.out.printf("multi-node: 2 command and 2 query nodes ready in %d s%n",
                Duration.between(begin, Instant.now()).toSeconds());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        Awaitility.reset();
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            if (mail != null) {
                mail.down();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    // ---- races across the command nodes

    @Test
    @Order(1)
    void R_ADD_6_fifty_creates_with_one_email_or_one_username_over_both_command_nodes_leave_one_user() throws Exception {
        String email = "race-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String username = "race-" + UUID.randomUUID().toString().substring(0, 8);

        List<String> emailIds = IntStream.range(0, 50).mapToObj(i -> UUID.randomUUID().toString()).toList();
        List<String> usernameIds = IntStream.range(0, 50).mapToObj(i -> UUID.randomUUID().toString()).toList();
        List<Api.Response> sameEmail = concurrently(50, i -> commandNode(i).post("/api/users", create(
                emailIds.get(i), username + "-e" + i, email, false)).token(admin).send());
        List<Api.Response> sameUsername = concurrently(50, i -> commandNode(i).post("/api/users", create(
                usernameIds.get(i), username, "u" + i + "-" + email, false)).token(admin).send());

        for (List<Api.Response> round : List.of(sameEmail, sameUsername)) {
            assertThat(round).filteredOn(r -> r.status() == 201).hasSize(1);
            assertThat(round).filteredOn(r -> r.status() != 201).hasSize(49).allSatisfy(refused -> {
                assertThat(refused.status()).as(refused.body()).isEqualTo(409);
                assertThat(refused.json().get("code").asText()).isEqualTo("R-ADD-6");
            });
        }
        // one creation in the log of each round's fifty ids, and it is the one that took the email or username
        assertThat(createdAmong(emailIds)).as("users created with " + email).hasSize(1);
        assertThat(createdAmong(usernameIds)).as("users created as " + username).hasSize(1);
        assertThat(HistoryChanges.settingTo(query1.api(), admin, createdAmong(emailIds).get(0), "email", email)).isOne();
        assertThat(HistoryChanges.settingTo(query1.api(), admin, createdAmong(usernameIds).get(0), "username", username))
                .isOne();
    }

    @Test
    @Order(2)
    void edits_of_one_user_racing_on_both_command_nodes_land_in_order_or_get_a_409_never_a_500() throws Exception {
        String user = UUID.randomUUID().toString();
        Api.Response created = command1.api().post("/api/users", create(user, "editrace-" + user.substring(0, 8),
                "editrace-" + user.substring(0, 8) + "@example.com", false)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long start = created.json().get("version").asLong();

        // 20 with the version read before: exactly one lands, the others are told it is stale
        List<Api.Response> conditional = concurrently(20, i -> commandNode(i).patch("/api/users/" + user, """
                {"firstName": "IfMatch%d", "lastName": "Race"}""".formatted(i))
                .header("If-Match", "\"" + start + "\"").token(admin).send());
        assertThat(conditional).filteredOn(r -> r.status() == 200).hasSize(1);
        assertThat(conditional).filteredOn(r -> r.status() != 200).hasSize(19).allSatisfy(refused -> {
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("code").asText()).isIn("stale-version", "concurrent-modification");
        });
        long afterConditional = start + 1;

        // 20 without If-Match: each lands (retried over the lost append race) or is a clear 409
        List<Api.Response> unconditional = concurrently(20, i -> commandNode(i).patch("/api/users/" + user, """
                {"firstName": "Blind%d", "lastName": "Race"}""".formatted(i)).token(admin).send());
        assertThat(unconditional).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isIn(200, 409));
        assertThat(unconditional).filteredOn(r -> r.status() == 409)
                .allSatisfy(refused -> assertThat(refused.json().get("code").asText()).isEqualTo("concurrent-modification"));
        List<Long> versions = unconditional.stream().filter(r -> r.status() == 200)
                .map(r -> r.json().get("version").asLong()).sorted().toList();
        long landed = versions.size();
        System.out.printf("multi-node: 20 edits without If-Match over 2 command nodes: %d landed, %d answered 409%n",
                landed, 20 - landed);
        assertThat(landed).as("most of them land").isGreaterThanOrEqualTo(10);
        // each landed edit has a version of its own, one after another: nothing overwritten unseen
        assertThat(versions).containsExactlyElementsOf(
                LongStream.rangeClosed(afterConditional + 1, afterConditional + landed).boxed().toList());
        List<Long> sequence = jdbc.sql("select sequencenumber from domainevententry where aggregateidentifier = ? order by 1")
                .param(user).query(Long.class).list();
        assertThat(sequence).containsExactlyElementsOf(LongStream.rangeClosed(0, afterConditional + landed).boxed().toList());
        // and each landed edit's own name is in the log, once
        Set<String> landedNames = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            if (unconditional.get(i).status() == 200) {
                landedNames.add("Blind" + i);
            }
        }
        for (String name : landedNames) {
            assertThat(HistoryChanges.settingTo(query1.api(), admin, user, "firstName", name)).as(name).isEqualTo(1);
        }
    }

    // ---- rebuild with two query nodes

    @Test
    @Order(3)
    void a_rebuild_is_refused_while_another_query_node_is_alive_and_nothing_stops() {
        for (Node asked : List.of(query1, query2)) {
            Node other = asked == query1 ? query2 : query1;

            Api.Response refused = asked.api().post("/api/admin/projections/users/rebuild", "").token(admin).send();

            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("code").asText()).isEqualTo("rebuild-needs-one-node");
            // the other node, by its process id, whether it holds claims or idles beside them
            assertThat(refused.json().get("detail").asText()).contains(other.process().pid() + "@");
            JsonNode status = asked.api().get("/api/admin/projections/users").token(admin).send().json();
            assertThat(status.get("running").asBoolean()).isTrue();
            assertThat(status.get("replaying").asBoolean()).isFalse();
        }
    }

    // ---- nodes killed under load

    @Test
    @Order(4)
    void a_command_node_killed_under_load_loses_nothing_it_acknowledged() throws Exception {
        AtomicBoolean firstAlive = new AtomicBoolean(true);
        Load load = new Load(4, i -> firstAlive.get() && i % 2 == 0 ? command1 : command2);
        try {
            load.awaitAcknowledged(40);
            firstAlive.set(false);
            NodeHarness.kill(command1);
            int atKill = load.acknowledged.get();
            load.awaitAcknowledged(atKill + 40);
        } finally {
            load.stop();
        }

        System.out.printf("multi-node: command node killed under load: %d creations acknowledged, %d failed in flight%n",
                load.acknowledged.get(), load.failed.get());
        assertThat(load.serverErrors).as("answers 5xx").isEmpty();
        assertThat(missingFromTheLog()).as("acknowledged creations missing from the event log").isEmpty();
    }

    @Test
    @Order(5)
    void a_query_node_killed_while_the_notifier_sends_is_taken_over_and_every_invitation_goes_out_once() throws Exception {
        Node victim = owners("users").stream().anyMatch(o -> o.startsWith(query1.claimOwnerPrefix())) ? query1 : query2;
        Node survivor = victim == query1 ? query2 : query1;
        int mailsBefore = mail.all().size();
        Load load = new Load(3, i -> command2);
        long killedAt;
        try {
            // the notifier is sending: emails of this load arrive
            await().atMost(Duration.ofSeconds(60)).until(() -> mail.all().size() >= mailsBefore + 10);
            killedAt = System.nanoTime();
            NodeHarness.kill(victim);
            // the survivor claims every segment once the dead node's claims time out
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() ->
                    ownedBy(survivor, "users") && ownedBy(survivor, "notifier"));
            double takeover = (System.nanoTime() - killedAt) / 1e9;
            System.out.printf("multi-node: query node killed while sending; the survivor held every segment of users and "
                    + "notifier %.1f s after the kill%n", takeover);
            assertThat(takeover).as("seconds to take over").isLessThan(60);
            load.awaitAcknowledged(load.acknowledged.get() + 20);
        } finally {
            load.stop();
        }
        assertThat(load.serverErrors).as("answers 5xx").isEmpty();
        assertThat(missingFromTheLog()).as("acknowledged creations missing from the event log").isEmpty();

        // every user the log has (acknowledged or not) reaches the surviving node's view with its last event
        List<String> inLog = createdInTheLog();
        assertThat(inLog).containsAll(acknowledged);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(jdbc.sql("""
                        select count(*) from user_view v
                        where v.user_id = any(?::uuid[]) and v.version = (select max(e.sequencenumber) from domainevententry e
                                                                         where e.aggregateidentifier = v.user_id::text)""")
                .param(inLog.toArray(String[]::new)).query(Long.class).single()).isEqualTo(inLog.size()));

        // one email per invited user: each invitation's Message-ID once. The dispatcher records each email
        // as sent as soon as the server accepted it, so the killed node leaves at most the one email each of
        // its sending threads had in flight accepted but unrecorded; another node sends that again once its
        // claim expires, with the same Message-ID (at least once, as the operators' guide says)
        await().atMost(Duration.ofSeconds(90)).until(() -> jdbc.sql(
                "select count(*) from mail_outbox where status = 'PENDING'").query(Long.class).single() == 0);
        Map<String, List<String>> messageIds = new HashMap<>();
        for (MimeMessage message : mail.all()) {
            messageIds.computeIfAbsent(recipient(message), r -> new ArrayList<>()).add(messageId(message));
        }
        Set<String> reclaimed = new HashSet<>(jdbc.sql("select recipient from mail_outbox where attempts > 1")
                .query(String.class).list());
        int copies = 0;
        for (String user : inLog) {
            String address = attempted.get(user);
            List<String> ids = messageIds.getOrDefault(address, List.of());
            assertThat(ids).as("emails to " + address).isNotEmpty();
            assertThat(new HashSet<>(ids)).as("distinct emails to " + address).hasSize(1);
            if (ids.size() > 1) {
                copies += ids.size() - 1;
                assertThat(reclaimed).as("a repeated email was one the killed node had claimed").contains(address);
            }
        }
        System.out.printf("multi-node: %d invited users, each one email (%d repeated copies with the same Message-ID)%n",
                inLog.size(), copies);
        assertThat(copies).as("repeated emails: at most one in flight per sending thread of the killed node")
                .isLessThanOrEqualTo(DISPATCHER_THREADS_PER_NODE);
        assertThat(jdbc.sql("select count(*) from mail_outbox where status <> 'SENT'").query(Long.class).single()).isZero();
    }

    @Test
    @Order(6)
    void the_one_query_node_left_rebuilds_the_users_view_as_it_was() {
        Node survivor = query1.alive() ? query1 : query2;
        String before = checksum();

        // the killed node's heartbeat ages out (portal.query-nodes.timeout); until then it still counts as alive
        long asked = System.nanoTime();
        Api.Response[] started = new Api.Response[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            started[0] = survivor.api().post("/api/admin/projections/users/rebuild", "").token(admin).send();
            assertThat(started[0].status()).as(started[0].body()).isIn(202, 409);
            return started[0].status() == 202;
        });
        System.out.printf("multi-node: rebuild accepted on the one node left %.1f s after the first try%n",
                (System.nanoTime() - asked) / 1e9);
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode status = survivor.api().get("/api/admin/projections/users").token(admin).send().json();
            return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean();
        });

        assertThat(checksum()).as("the users view after a fresh replay").isEqualTo(before);
        // and as the API answered: every acknowledged user with the email it was created with
        Map<String, String> emails = jdbc.sql("select user_id::text, email from user_view")
                .query((rs, row) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        for (String user : acknowledged) {
            assertThat(emails.get(user)).as(user).isEqualTo(attempted.get(user));
        }
    }

    // ---- helpers

    private static Api commandNode(int i) {
        return (i % 2 == 0 ? command1 : command2).api();
    }

    private static String create(String id, String username, String email, boolean notify) {
        return """
                {"id": "%s", "username": "%s", "email": "%s", "firstName": "Multi", "lastName": "Node",
                 "role": "API_OWNER", "notify": %s}""".formatted(id, username, email, notify);
    }

    private static List<String> createdAmong(List<String> ids) {
        return jdbc.sql("""
                        select aggregateidentifier from domainevententry
                        where payloadtype = 'io.portalusers.api.user.UserCreated' and aggregateidentifier = any(?)""")
                .param(ids.toArray(String[]::new)).query(String.class).list();
    }

    private static List<String> createdInTheLog() {
        return jdbc.sql("""
                        select aggregateidentifier from domainevententry
                        where payloadtype = 'io.portalusers.api.user.UserCreated' and aggregateidentifier = any(?)""")
                .param(attempted.keySet().toArray(String[]::new)).query(String.class).list();
    }

    private static Set<String> missingFromTheLog() {
        Set<String> missing = new HashSet<>(acknowledged);
        createdInTheLog().forEach(missing::remove);
        return missing;
    }

    /** The owners of a processor's claimed segments (segments without an owner left out). */
    private static List<String> owners(String processor) {
        return jdbc.sql("select owner from tokenentry where processorname = ? and owner is not null")
                .param(processor).query(String.class).list();
    }

    private static boolean ownedBy(Node node, String processor) {
        List<String> owners = owners(processor);
        return owners.size() == SEGMENTS && owners.stream().allMatch(o -> o.startsWith(node.claimOwnerPrefix()));
    }

    private static String checksum() {
        return jdbc.sql("""
                        select md5(concat_ws('#',
                            (select string_agg(u::text, '|' order by user_id) from user_view u),
                            (select string_agg(m::text, '|' order by user_id, organization_id) from user_membership_view m)))""")
                .query(String.class).single();
    }

    private static String recipient(MimeMessage message) {
        try {
            return ((InternetAddress) message.getAllRecipients()[0]).getAddress().toLowerCase();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code call} from {@code callers} threads released at once; answers in caller order. */
    private static <T> List<T> concurrently(int callers, IntFunction<T> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Client threads creating users with an invitation, each through the node {@code route}
     * gives it for its next request; an answer that never came (the node died) is a failure in
     * flight, not an acknowledgement.
     */
    private static final class Load {

        final AtomicInteger acknowledged = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads;

        Load(int clients, IntFunction<Node> route) {
            threads = Executors.newFixedThreadPool(clients);
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.submit(() -> {
                    for (int i = client; running.get(); i += clients) {
                        String id = UUID.randomUUID().toString();
                        String email = "load-" + id.substring(0, 13) + "@example.com";
                        attempted.put(id, email);
                        mail.expect(email);
                        try {
                            Api.Response answer = route.apply(i).api().post("/api/users",
                                    create(id, "load-" + id.substring(0, 13), email, true)).token(admin).send();
                            if (answer.status() == 201) {
                                MultiNodeTest.acknowledged.add(id);
                                acknowledged.incrementAndGet();
                            } else if (answer.status() >= 500) {
                                serverErrors.add(answer.toString());
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (UncheckedIOException e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }

        void awaitAcknowledged(int count) {
            await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.get() >= count);
        }

        void stop() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        }
    }
}
