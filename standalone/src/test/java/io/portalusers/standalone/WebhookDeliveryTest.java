package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.platform.embedded.LocalTokens;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.springframework.transaction.support.TransactionTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks delivered to a real HTTP server in this JVM ({@link WebhookReceiver}): signed
 * CloudEvents, in order per user, retried with back-off through a receiver that is down for a
 * while, slow or answering 500, a subscription that keeps failing paused and resumed, nothing
 * lost across a restart of the service, and no duplicate but the same message again.
 *
 * <p>Its own service, started and restarted here on its own folder, with short intervals and
 * webhooks allowed to plain http on loopback (refused by default).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {

    private static final String BOOTSTRAP_ADMIN = "00000000-0000-4000-8000-000000000001";
    private static final List<String> USER_TYPES = List.of("io.portalusers.user.created",
            "io.portalusers.user.name-changed", "io.portalusers.user.disabled", "io.portalusers.user.enabled");
    private static final int PAUSE_AFTER = 10;

    private Path dataDir;
    private ConfigurableApplicationContext service;
    private Api api;
    private String admin;
    private String organization;

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("portal-users-webhooks");
        service = startService();
        Api.Response created = api.post("/api/organizations", """
                {"name": "Hooked Inc", "accountPlan": "Gold"}""").token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        organization = created.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private ConfigurableApplicationContext startService() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PortalUsersApplication.class).run(
                "--server.port=0", "--portal.embedded.data-dir=" + dataDir, "--portal.embedded.durable=false",
                "--portal.bootstrap-admin.invite=false",
                "--portal.webhooks.https-only=false", "--portal.webhooks.private-addresses=true",
                "--portal.webhooks.poll-interval=100ms", "--portal.webhooks.timeout=1s", "--portal.webhooks.lease=5s",
                "--portal.webhooks.retry.initial-interval=100ms", "--portal.webhooks.retry.max-interval=400ms",
                "--portal.webhooks.pause.after-failures=" + PAUSE_AFTER);
        api = new Api(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
        admin = context.getBean(LocalTokens.class).issue(UserId.of(BOOTSTRAP_ADMIN)).token();
        return context;
    }

    private JdbcClient jdbc() {
        return service.getBean(JdbcClient.class);
    }

    private static String letters(int count) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return letters.toString();
    }

    /** A subscription to the user events of {@link #USER_TYPES} at {@code url}: its registration's answer. */
    private JsonNode subscribe(String url) {
        Api.Response created = api.post("/api/admin/webhooks", """
                {"url": "%s", "eventTypes": %s, "description": "test"}""".formatted(url, json(USER_TYPES)))
                .token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    private static String json(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").toList().toString();
    }

    /** A user created, renamed, disabled and enabled: four events; its id. */
    private String userWithFourEvents() {
        String unique = letters(10);
        Api.Response created = api.post("/api/users", """
                {"username": "hook-%s", "email": "hook-%s@example.com", "firstName": "Hoo", "lastName": "Ked",
                 "role": "DEVELOPER", "notify": false,
                 "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(unique, unique, organization))
                .token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String user = created.json().get("id").asText();
        for (Api.Call change : List.of(api.patch("/api/users/" + user, "{\"firstName\": \"Renamed\", \"lastName\": \"Ked\"}"),
                api.post("/api/users/" + user + "/disable", ""), api.post("/api/users/" + user + "/enable", ""))) {
            Api.Response changed = change.token(admin).send();
            assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        }
        return user;
    }

    /** The ids of the users' events, in the log's order. */
    private List<String> eventIds(List<String> users) {
        return jdbc().sql("""
                        select eventidentifier from domainevententry where aggregateidentifier in (:users)
                        order by globalindex""")
                .param("users", users).query(String.class).list();
    }

    /** Every message of {@code receiver} is signed with {@code secret}, and one id always carries the same message. */
    private static void assertSignedAndSameMessageForSameId(WebhookReceiver receiver, String secret) {
        Map<String, String> bodies = new HashMap<>();
        for (WebhookReceiver.Delivery delivery : receiver.deliveries()) {
            assertThat(delivery.signedWith(secret)).as("signature of " + delivery.id()).isTrue();
            assertThat(delivery.contentType()).isEqualTo("application/cloudevents+json");
            assertThat(delivery.json().get("id").asText()).isEqualTo(delivery.id());
            String body = new String(delivery.body());
            assertThat(bodies.putIfAbsent(delivery.id(), body)).as("again with the same id").isIn(null, body);
            assertThat(Math.abs(Long.parseLong(delivery.timestamp()) - System.currentTimeMillis() / 1000)).isLessThan(120);
        }
    }

    private JsonNode subscription(String id) {
        return api.get("/api/admin/webhooks/" + id).token(admin).send().json();
    }

    private List<JsonNode> attempts(String id, String query) {
        Api.Response response = api.get("/api/admin/webhooks/" + id + "/deliveries?" + query).token(admin).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return StreamSupport.stream(response.json().spliterator(), false).toList();
    }

    @Test
    void each_event_of_the_types_goes_once_signed_as_a_cloudevent_in_order_per_user() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonNode subscription = subscribe(receiver.url());
            String secret = subscription.get("secret").asText();
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                users.add(userWithFourEvents());
            }
            List<String> expected = eventIds(users);
            assertThat(expected).hasSize(12);

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.distinctIds().size() >= 12);

            assertThat(receiver.distinctIds()).containsExactlyElementsOf(expected);
            assertThat(receiver.count()).isEqualTo(12);
            assertSignedAndSameMessageForSameId(receiver, secret);
            WebhookReceiver.Delivery first = receiver.deliveries().get(0);
            assertThat(first.json().get("type").asText()).isEqualTo("io.portalusers.user.created");
            assertThat(first.json().get("subject").asText()).isEqualTo(users.get(0));
            assertThat(first.json().at("/data/name/firstName").asText()).isEqualTo("Hoo");
            assertThat(receiver.deliveries()).extracting(d -> d.json().get("type").asText()).containsOnlyElementsOf(USER_TYPES);
            // a message signed with another secret does not check out
            assertThat(first.signedWith("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]))).isFalse();
            // the secret is shown once: never again
            assertThat(subscription(subscription.get("id").asText()).get("secret").isNull()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> attempts(subscription.get("id").asText(), "").size() == 12);
            assertThat(attempts(subscription.get("id").asText(), "")).allMatch(a -> a.get("delivered").asBoolean());
        }
    }

    @Test
    void a_receiver_answering_500_then_down_then_slow_gets_everything_in_order_with_the_failures_shown() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(n -> n <= 3 ? 500 : 200);
            JsonNode subscription = subscribe(receiver.url());
            String id = subscription.get("id").asText();
            List<String> users = new ArrayList<>(List.of(userWithFourEvents()));
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.distinctIds().size() >= 4);

            // down for a while: the events wait, the failures show
            receiver.down();
            users.add(userWithFourEvents());
            await().atMost(Duration.ofSeconds(20)).until(() -> attempts(id, "failed=true").size() >= 5);
            assertThat(subscription(id).get("failures").asInt()).isPositive();
            receiver.up();

            // slow: the first answer comes after the timeout, so that event goes again with the same id
            receiver.delay(1500);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.distinctIds().size() >= 5);
            receiver.delay(0);
            users.add(userWithFourEvents());

            List<String> expected = eventIds(users);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.distinctIds().size() >= expected.size());
            assertThat(receiver.distinctIds()).containsExactlyElementsOf(expected);
            assertSignedAndSameMessageForSameId(receiver, subscription.get("secret").asText());
            List<JsonNode> failures = attempts(id, "failed=true");
            assertThat(failures).extracting(f -> f.get("error").asText())
                    .contains("answered 500", "ConnectException", "HttpTimeoutException");
            assertThat(failures).filteredOn(f -> f.get("error").asText().equals("answered 500"))
                    .extracting(f -> f.get("statusCode").asInt()).containsOnly(500);
            await().atMost(Duration.ofSeconds(5)).until(() -> subscription(id).get("failures").asInt() == 0);
            assertThat(subscription(id).get("state").asText()).isEqualTo("ACTIVE");
        }
    }

    @Test
    void a_subscription_that_keeps_failing_is_paused_and_shown_and_resumed_delivers_from_where_it_stopped() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(n -> 503);
            JsonNode subscription = subscribe(receiver.url());
            String id = subscription.get("id").asText();
            List<String> users = List.of(userWithFourEvents());

            await().atMost(Duration.ofSeconds(20)).until(() -> subscription(id).get("state").asText().equals("PAUSED"));
            JsonNode paused = subscription(id);
            assertThat(paused.get("pausedReason").asText()).contains("answered 503");
            assertThat(paused.get("failures").asInt()).isEqualTo(PAUSE_AFTER);
            int attempts = receiver.count();
            assertThat(attempts).isEqualTo(PAUSE_AFTER);
            // paused: nothing more is tried, and the list shows it paused
            sleep(1000);
            assertThat(receiver.count()).isEqualTo(attempts);
            assertThat(StreamSupport.stream(api.get("/api/admin/webhooks").token(admin).send().json().spliterator(), false)
                    .filter(s -> s.get("id").asText().equals(id)).findFirst().orElseThrow().get("state").asText())
                    .isEqualTo("PAUSED");

            receiver.answer(n -> 200);
            Api.Response resumed = api.post("/api/admin/webhooks/" + id + "/resume", "").token(admin).send();
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            List<String> expected = eventIds(users);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.distinctIds().size() >= expected.size());
            assertThat(receiver.distinctIds()).containsExactlyElementsOf(expected);
            // the first event went PAUSE_AFTER times unanswered and once more; every other once
            assertThat(receiver.count()).isEqualTo(PAUSE_AFTER + expected.size());
        }
    }

    @Test
    void nothing_is_lost_across_a_restart_of_the_service_and_at_most_the_message_in_flight_comes_twice() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.delay(150);
            JsonNode subscription = subscribe(receiver.url());
            List<String> users = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                users.add(userWithFourEvents());
            }
            List<String> expected = eventIds(users);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.count() >= 3);
            // a paused subscription as the version before kept it, its secret in clear: sealed as the service starts
            UUID older = UUID.randomUUID();
            String clear = randomSecret();
            jdbc().sql("""
                            insert into webhook_subscription (id, url, event_types, secret, created_by, created_at, position,
                                state, paused_at, paused_reason, next_attempt_at)
                            values (?, 'http://127.0.0.1:9/hook', ?, ?, ?, now(), 0, 'PAUSED', now(), 'test', now())""")
                    .params(older, USER_TYPES.toArray(String[]::new), clear, BOOTSTRAP_ADMIN).update();

            service.close();
            int beforeRestart = receiver.distinctIds().size();
            assertThat(beforeRestart).isLessThan(expected.size());
            service = startService();
            long restarted = System.nanoTime();

            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.distinctIds().size() >= expected.size());
            System.out.printf("webhooks: %d of %d events delivered before the restart, the rest %.1f s after it "
                    + "(the lease is %s)%n", beforeRestart, expected.size(), (System.nanoTime() - restarted) / 1e9, "5s");
            assertThat(receiver.distinctIds()).containsExactlyElementsOf(expected);
            assertThat(receiver.count() - expected.size()).as("duplicates").isBetween(0, 1);
            assertSignedAndSameMessageForSameId(receiver, subscription.get("secret").asText());
            assertThat(jdbc().sql("select secret is null and sealed_secret is not null from webhook_subscription where id = ?")
                    .param(older).query(Boolean.class).single()).isTrue();
            assertSecretStoredNowhere(clear);
            assertThat(api.get("/api/admin/webhooks/" + older).token(admin).send().status()).isEqualTo(200);
            assertThat(api.delete("/api/admin/webhooks/" + older).token(admin).send().status()).isEqualTo(204);
        }
    }

    @Test
    void only_portal_admins_manage_subscriptions_and_bad_registrations_are_refused_as_problems() {
        String unique = letters(10);
        String developer = api.post("/api/users", """
                {"username": "dev-%s", "email": "dev-%s@example.com", "firstName": "De", "lastName": "Veloper",
                 "role": "DEVELOPER", "notify": false,
                 "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(unique, unique, organization))
                .token(admin).send().json().get("id").asText();
        String developerToken = service.getBean(LocalTokens.class).issue(UserId.of(developer)).token();
        String valid = """
                {"url": "http://127.0.0.1:9/hook", "eventTypes": ["io.portalusers.user.created"]}""";

        for (Api.Call call : List.of(api.post("/api/admin/webhooks", valid), api.get("/api/admin/webhooks"))) {
            Api.Response refused = call.token(developerToken).send();
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("R-HOOK-1");
        }
        assertThat(api.get("/api/admin/webhooks").send().status()).isEqualTo(401);

        long before = jdbc().sql("select count(*) from webhook_subscription").query(Long.class).single();
        for (String bad : List.of(
                "{\"url\": \"ftp://127.0.0.1/hook\", \"eventTypes\": [\"io.portalusers.user.created\"]}",
                "{\"url\": \"http://user:pw@127.0.0.1/hook\", \"eventTypes\": [\"io.portalusers.user.created\"]}",
                "{\"url\": \"not a url\", \"eventTypes\": [\"io.portalusers.user.created\"]}",
                "{\"url\": \"http://127.0.0.1:9/hook\", \"eventTypes\": []}",
                "{\"url\": \"http://127.0.0.1:9/hook\", \"eventTypes\": [\"user.created\"]}",
                "{\"url\": \"http://127.0.0.1:9/hook\", \"eventTypes\": [\"io.portalusers.user.created\"], \"secret\": \"whsec_short\"}",
                "{\"url\": \"http://127.0.0.1:9/hook\", \"eventTypes\": [\"io.portalusers.user.created\"], \"secret\": \"plain\"}",
                "{\"url\": \"http://127.0.0.1:9/hook\", \"eventTypes\": [\"io.portalusers.user.created\"], \"after\": -1}",
                "{\"url\": \"http://127.0.0.1:9/hook\", \"eventTypes\": [\"io.portalusers.user.created\"], \"organization\": 5}")) {
            Api.Response refused = api.post("/api/admin/webhooks", bad).token(admin).send();
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).as(bad).startsWith("application/problem+json");
        }
        assertThat(jdbc().sql("select count(*) from webhook_subscription").query(Long.class).single()).isEqualTo(before);
        String unknown = UUID.randomUUID().toString();
        assertThat(api.get("/api/admin/webhooks/" + unknown).token(admin).send().status()).isEqualTo(404);
        assertThat(api.post("/api/admin/webhooks/" + unknown + "/resume", "").token(admin).send().status()).isEqualTo(404);
        assertThat(api.delete("/api/admin/webhooks/" + unknown).token(admin).send().status()).isEqualTo(404);

        // a secret the caller gives is the one it signs with; a deleted subscription is gone, and recorded
        String given = "whsec_" + java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        Api.Response created = api.post("/api/admin/webhooks", valid.replace("]}", "], \"secret\": \"" + given + "\"}"))
                .token(admin).send();
        assertThat(created.json().get("secret").asText()).isEqualTo(given);
        String id = created.json().get("id").asText();
        assertThat(api.delete("/api/admin/webhooks/" + id).token(admin).send().status()).isEqualTo(204);
        assertThat(api.get("/api/admin/webhooks/" + id).token(admin).send().status()).isEqualTo(404);
        assertThat(jdbc().sql("select command from command_audit where target_id = ? order by id").param(id)
                .query(String.class).list()).containsExactly("RegisterWebhook", "DeleteWebhook");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_burst_of_events_is_delivered_in_order_and_the_feed_reads_it_measured() {
        int count = 1000;
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            subscribe(receiver.url());
            List<String> users = new ArrayList<>();
            service.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
                EventStore events = service.getBean(EventStore.class);
                for (int i = 0; i < count; i++) {
                    UserId user = UserId.random();
                    String unique = user.toString().substring(0, 13);
                    users.add(user.toString());
                    events.publish(new GenericDomainEventMessage<>("User", user.toString(), 0,
                            new UserCreated(user, Username.of("burst-" + unique), EmailAddress.of(unique + "@example.com"),
                                    new PersonName("Bur", "St"), Language.ENGLISH, Role.API_OWNER, List.of(),
                                    UserSource.PORTAL, null, false),
                            MetaData.with(RequestMetadata.ACTOR_ID, RequestMetadata.SYSTEM_ACTOR)));
                }
            });
            long committed = System.nanoTime();
            List<String> expected = eventIds(users);

            await().atMost(Duration.ofSeconds(120)).until(() -> receiver.distinctIds().size() >= count);
            double seconds = (System.nanoTime() - committed) / 1e9;
            assertThat(receiver.distinctIds()).containsExactlyElementsOf(expected);
            assertThat(receiver.count()).isEqualTo(count);

            long after = jdbc().sql("select min(globalindex) - 1 from domainevententry where aggregateidentifier in (:u)")
                    .param("u", users).query(Long.class).single();
            long started = System.nanoTime();
            Api.Response page = api.get("/api/events?limit=1000&after=" + after).token(admin).send();
            double feedMillis = (System.nanoTime() - started) / 1e6;
            assertThat(page.json()).hasSize(count);
            System.out.printf("webhooks: %d events delivered one at a time to a receiver on loopback in %.1f s (%.0f/s); "
                    + "the feed answered them as one page of %d in %.0f ms%n", count, seconds, count / seconds, count, feedMillis);
        }
    }

    @Test
    void a_subscription_of_one_organization_gets_its_members_events_while_members_with_only_its_memberships() {
        Api.Response otherCreated = api.post("/api/organizations", """
                {"name": "Other %s", "accountPlan": "Gold"}""".formatted(letters(8))).token(admin).send();
        String other = otherCreated.json().get("id").asText();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api.Response created = api.post("/api/admin/webhooks", """
                    {"url": "%s", "eventTypes": ["io.portalusers.user.created", "io.portalusers.user.memberships-changed",
                     "io.portalusers.user.disabled"], "organization": "%s"}""".formatted(receiver.url(), organization))
                    .token(admin).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json().get("organization").asText()).isEqualTo(organization);
            String id = created.json().get("id").asText();
            String member = createdUser(organization, other);
            String outsider = createdUser(other);
            Api.Response moved = api.put("/api/users/" + member + "/memberships", """
                    {"memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(other)).token(admin).send();
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(api.post("/api/users/" + member + "/disable", "").token(admin).send().status()).isEqualTo(200);
            assertThat(api.post("/api/users/" + outsider + "/disable", "").token(admin).send().status()).isEqualTo(200);
            long head = jdbc().sql("select max(globalindex) from domainevententry").query(Long.class).single();

            await().atMost(Duration.ofSeconds(20)).until(() -> subscription(id).get("position").asLong() >= head);

            List<JsonNode> messages = receiver.deliveries().stream().map(WebhookReceiver.Delivery::json).toList();
            assertThat(messages).extracting(m -> m.get("subject").asText()).containsOnly(member);
            assertThat(messages).extracting(m -> m.get("type").asText())
                    .containsExactly("io.portalusers.user.created", "io.portalusers.user.memberships-changed");
            assertThat(messages.get(0).at("/data/memberships")).hasSize(1);
            assertThat(messages.get(0).at("/data/memberships/0/organizationId").asText()).isEqualTo(organization);
            assertThat(messages.get(1).at("/data/memberships")).isEmpty();
        }
        Api.Response unknown = api.post("/api/admin/webhooks", """
                {"url": "http://127.0.0.1:9/hook", "eventTypes": ["io.portalusers.user.created"], "organization": "%s"}"""
                .formatted(UUID.randomUUID())).token(admin).send();
        // a well-formed id of no organization: the request is valid, the state refuses it
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(422);
        assertThat(unknown.json().get("code").asText()).isEqualTo("R-HOOK-1");
        Api.Response malformed = api.post("/api/admin/webhooks", """
                {"url": "http://127.0.0.1:9/hook", "eventTypes": ["io.portalusers.user.created"], "organization": "nope"}""")
                .token(admin).send();
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
    }

    /** A fresh secret of 32 random bytes, {@code whsec_...}. */
    private static String randomSecret() {
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** Neither the secret's text, nor its key's Base64, nor its key's bytes are in any table of the database. */
    private void assertSecretStoredNowhere(String secret) {
        String base64 = secret.substring("whsec_".length());
        String hex = HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
        List<String> tables = jdbc().sql("""
                        select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables
                        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')""")
                .query(String.class).list();
        assertThat(tables).contains("public.webhook_subscription", "public.idempotency_key");
        for (String table : tables) {
            assertThat(jdbc().sql("select count(*) from " + table + " t where position(? in t::text) > 0 "
                            + "or position(? in t::text) > 0")
                    .params(base64, hex).query(Long.class).single()).as(table).isZero();
        }
    }

    @Test
    void signing_secrets_are_kept_sealed_and_one_still_kept_in_clear_is_used_and_then_sealed() {
        String given = randomSecret();
        String clear = randomSecret();
        try (WebhookReceiver receiver = WebhookReceiver.start(); WebhookReceiver older = WebhookReceiver.start()) {
            Api.Response created = api.post("/api/admin/webhooks", """
                    {"url": "%s", "eventTypes": %s, "secret": "%s"}""".formatted(receiver.url(), json(USER_TYPES), given))
                    .token(admin).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json().get("secret").asText()).isEqualTo(given);
            String id = created.json().get("id").asText();
            assertThat(jdbc().sql("select secret is null and length(sealed_secret) > 32 from webhook_subscription where id = ?::uuid")
                    .param(id).query(Boolean.class).single()).isTrue();
            assertSecretStoredNowhere(given);

            // a subscription as the version before wrote it: its secret in clear
            UUID old = UUID.randomUUID();
            jdbc().sql("""
                            insert into webhook_subscription (id, url, event_types, secret, description, created_by, created_at,
                                position, state, next_attempt_at)
                            values (?, ?, ?, ?, 'older', ?, now(), (select coalesce(max(globalindex), 0) from domainevententry),
                                'ACTIVE', now())""")
                    .params(old, older.url(), USER_TYPES.toArray(String[]::new), clear, BOOTSTRAP_ADMIN).update();
            List<String> expected = eventIds(List.of(userWithFourEvents()));

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.distinctIds().size() >= 4
                    && older.distinctIds().size() >= 4);
            assertThat(receiver.distinctIds()).containsExactlyElementsOf(expected);
            assertThat(older.distinctIds()).containsExactlyElementsOf(expected);
            assertSignedAndSameMessageForSameId(receiver, given);
            assertSignedAndSameMessageForSameId(older, clear);
            assertThat(older.deliveries().get(0).signedWith(given)).isFalse();

            // sealed once read, and still the same secret after
            assertThat(jdbc().sql("select secret is null and sealed_secret is not null from webhook_subscription where id = ?")
                    .param(old).query(Boolean.class).single()).isTrue();
            assertSecretStoredNowhere(clear);
            List<String> more = eventIds(List.of(userWithFourEvents()));
            await().atMost(Duration.ofSeconds(20)).until(() -> older.distinctIds().size() >= 8);
            assertThat(older.distinctIds()).endsWith(more.toArray(String[]::new));
            assertSignedAndSameMessageForSameId(older, clear);
            // the admin's list reads the sealed secrets, and never shows one
            Api.Response list = api.get("/api/admin/webhooks").token(admin).send();
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).contains(id, old.toString()).doesNotContain(given.substring(6)).doesNotContain(clear.substring(6));
        }
    }

    /**
     * R-ERASE-1 and webhooks: the messages are rendered from the event log when they are sent,
     * never kept. A subscriber gets a user's personal fields while the user is there; what goes
     * out after the erasure, an event redelivered after failing until then or a subscription
     * registered since that starts before the user, carries "[erased]", and nothing of the
     * webhooks' tables holds the person's data.
     */
    @Test
    void R_ERASE_1_what_a_subscriber_is_sent_after_the_erasure_carries_erased_fields_only() {
        try (WebhookReceiver live = WebhookReceiver.start(); WebhookReceiver failing = WebhookReceiver.start();
             WebhookReceiver later = WebhookReceiver.start()) {
            failing.answer(n -> 503);
            subscribe(live.url());
            JsonNode pending = subscribe(failing.url());
            String unique = letters(10);
            String email = "erasable-" + unique + "@example.com";
            String lastName = "Erasable" + letters(6);
            Api.Response created = api.post("/api/users", """
                    {"username": "gone-%s", "email": "%s", "firstName": "Erin", "lastName": "%s",
                     "role": "DEVELOPER", "notify": false,
                     "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(unique, email, lastName, organization))
                    .token(admin).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String user = created.json().get("id").asText();
            assertThat(api.post("/api/users/" + user + "/disable", "").token(admin).send().status()).isEqualTo(200);
            List<String> events = eventIds(List.of(user));
            await().atMost(Duration.ofSeconds(20)).until(() -> live.distinctIds().size() >= 2 && failing.count() >= 2);
            assertThat(live.distinctIds()).containsExactlyElementsOf(events);
            String before = new String(live.deliveries().get(0).body());
            assertThat(before).contains(email).contains(lastName);
            assertThat(new String(failing.deliveries().get(0).body())).contains(email);

            Api.Response erased = api.post("/api/users/" + user + "/erase", "{\"reason\": \"erasure request\"}")
                    .token(admin).send();
            assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
            long beforeUser = jdbc().sql("select min(globalindex) - 1 from domainevententry where aggregateidentifier = ?")
                    .param(user).query(Long.class).single();
            Api.Response registered = api.post("/api/admin/webhooks", """
                    {"url": "%s", "eventTypes": %s, "after": %d}""".formatted(later.url(), json(USER_TYPES), beforeUser))
                    .token(admin).send();
            assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
            int failedBefore = failing.count();
            failing.answer(n -> 204);
            // failing all along, it may have been paused by now: resumed, it sends the same events again
            Api.Response resumed = api.post("/api/admin/webhooks/" + pending.get("id").asText() + "/resume", "")
                    .token(admin).send();
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> failing.distinctIds().size() >= 2
                    && later.distinctIds().size() >= 2);
            List<WebhookReceiver.Delivery> afterErasure = new ArrayList<>(later.deliveries());
            afterErasure.addAll(failing.deliveries().subList(failedBefore, failing.count()));
            assertThat(later.distinctIds()).startsWith(events.toArray(String[]::new));
            for (WebhookReceiver.Delivery delivery : afterErasure) {
                if (!events.contains(delivery.id())) {
                    continue;
                }
                String body = new String(delivery.body());
                assertThat(body).as(delivery.id()).doesNotContain(email).doesNotContain(lastName);
                if (delivery.json().get("type").asText().equals("io.portalusers.user.created")) {
                    assertThat(delivery.json().at("/data/name/lastName").asText()).isEqualTo("[erased]");
                    assertThat(delivery.json().at("/data/email").asText()).isEqualTo("[erased]");
                }
            }
            assertThat(afterErasure).extracting(d -> d.json().get("type").asText()).contains("io.portalusers.user.created");
            assertSignedAndSameMessageForSameId(later, registered.json().get("secret").asText());
            assertThat(jdbc().sql("select count(*) from webhook_delivery d where d.subscription_id = ?::uuid and d.event_id = ?")
                    .params(pending.get("id").asText(), events.get(0)).query(Long.class).single()).isGreaterThan(1);
            for (String table : List.of("webhook_delivery", "webhook_subscription")) {
                for (String personal : List.of(email, lastName)) {
                    assertThat(jdbc().sql("select count(*) from " + table + " t where position(? in t::text) > 0")
                            .param(personal).query(Long.class).single()).as(table).isZero();
                }
            }
        }
    }

    /** A Developer of the organizations given; its id. */
    private String createdUser(String... organizations) {
        String unique = letters(10);
        String memberships = java.util.Arrays.stream(organizations)
                .map(o -> "{\"organizationId\": \"" + o + "\", \"role\": \"DEVELOPER\"}").toList().toString();
        Api.Response created = api.post("/api/users", """
                {"username": "org-%s", "email": "org-%s@example.com", "firstName": "Or", "lastName": "Ga",
                 "role": "DEVELOPER", "notify": false, "memberships": %s}""".formatted(unique, unique, memberships))
                .token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }
}
