package io.portalusers.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
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
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests through HTTP against the whole service on its embedded default: a real PostgreSQL
 * (one per test JVM, in a fresh folder), the real event store, real tokens. Every subclass
 * shares this one context: a second context on the same folder could not lock it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
@Import(MutableClock.Configuration.class)
public abstract class ApiTest {

    static final Path DATA_DIR = freshFolder();
    /** The SMTP server the notifier sends to, for as long as the shared context lives. */
    protected static final Mailbox MAIL = Mailbox.start();
    /** The secret of the machine client {@code bireports} this context registers with the sign-in. */
    protected static final String MACHINE_SECRET = "bi-" + UUID.randomUUID();

    @DynamicPropertySource
    static void embeddedDefaults(DynamicPropertyRegistry registry) {
        registry.add("portal.embedded.data-dir", DATA_DIR::toString);
        // the tests' data is thrown away: their PostgreSQL need not survive a power cut
        registry.add("portal.embedded.durable", () -> "false");
        // the tests' admin acts by the tokens they mint: no invitation of its own among theirs
        registry.add("portal.bootstrap-admin.invite", () -> "false");
        mailTo(MAIL, registry);
        // a confidential client of another system, registered by configuration (client credentials)
        registry.add("portal.identity.machine-clients.bireports.secret", () -> "{noop}" + MACHINE_SECRET);
        registry.add("portal.identity.machine-clients.bireports.scopes", () -> "audit:read");
        registry.add("portal.security.audit-clients", () -> "reporting,bireports");
        // the Okta SCIM client is registered with the sign-in too, as docs/scim.md tells
        registry.add("portal.identity.machine-clients.okta-scim.secret", () -> "{noop}" + ScimApiTest.OKTA_SECRET);
        registry.add("portal.identity.machine-clients.okta-scim.scopes", () -> "scim:write");
        // two identity providers' SCIM clients, each provisioning the users of its own scheme
        registry.add("portal.security.scim-clients", () -> ScimApiTest.OKTA + "=" + ScimApiTest.OKTA_SCHEME
                + "," + ScimApiTest.ENTRA + "=" + ScimApiTest.ENTRA_SCHEME);
        // every test calls from 127.0.0.1: the abuse limit has its own context (RateLimitTest)
        registry.add("portal.rate-limit.anonymous.requests-per-minute", () -> "10000000");
        // and so do their failed sign-ins: the per-client sign-in throttle has its own context too (SignInThrottlingTest)
        registry.add("portal.identity.throttle.client-free-failures", () -> "10000000");
    }

    /** Emails to {@code mailbox}, looked for five times a second and retried within seconds. */
    static void mailTo(Mailbox mailbox, DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> mailbox.port);
        registry.add("portal.mail.poll-interval", () -> "200ms");
        registry.add("portal.mail.retry.initial-interval", () -> "200ms");
        registry.add("portal.mail.retry.max-interval", () -> "2s");
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected LocalTokens tokens;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    private EventStore eventStore;
    @Autowired
    private TransactionTemplate transactions;
    @Value("${portal.bootstrap-admin.id}")
    private String bootstrapAdminId;

    protected Api api;
    protected String admin;

    @BeforeEach
    void connect() {
        api = validatesAgainstOpenApi() ? new Api(port) : new Api(port).uncheckedAgainstOpenApi();
        admin = adminToken();
    }

    /** A new token of the bootstrap Portal Admin (the one in {@link #admin} may have expired in a long run). */
    protected String adminToken() {
        return tokenFor(UserId.of(bootstrapAdminId));
    }

    /**
     * Whether every exchange of this test's {@link #api} is checked against /v3/api-docs: on,
     * unless a class says why its exchanges cannot be.
     */
    protected boolean validatesAgainstOpenApi() {
        return true;
    }

    protected String tokenFor(UserId user) {
        return tokens.issue(user).token();
    }

    /** An organization the Portal Admin creates through the API, named {@code name}, on {@code plan}; its id. */
    protected String organization(String name, String plan) {
        Api.Response created = api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "%s"}""".formatted(name, plan)).token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    protected String organization(String name) {
        return organization(name, "Gold");
    }

    /** A new organization of a name no other test uses. */
    protected String organization() {
        return organization("Org " + letters(12));
    }

    protected OrganizationId givenOrganization() {
        return OrganizationId.of(organization());
    }

    /**
     * A user that exists as of its creation event, appended to the real event store with
     * the same lookups a created user gets. Stands in for the user-creation API until the
     * tests need that API itself.
     */
    protected UserId givenUser(Role role, Membership... memberships) {
        UserId id = UserId.random();
        givenEvent(id, userCreated(id, role, memberships));
        return id;
    }

    /** The creation of a user {@code id} with a username and email of its own. */
    protected static UserCreated userCreated(UserId id, Role role, Membership... memberships) {
        String unique = id.toString().substring(0, 13);
        return new UserCreated(id, Username.of("user-" + unique), EmailAddress.of(unique + "@example.com"),
                new PersonName("Test", "User"), Language.ENGLISH, role, List.of(memberships), UserSource.PORTAL, null, false);
    }

    /**
     * Appends an event to a user's history at its next sequence number, as the user aggregate
     * would, in a transaction of its own; returns that sequence number.
     */
    protected long givenEvent(UserId user, Object event) {
        return transactions.execute(status -> {
            long next = jdbc.sql("""
                            select coalesce(max(sequencenumber) + 1, 0) from domainevententry
                            where aggregateidentifier = ?""")
                    .param(user.toString()).query(Long.class).single();
            eventStore.publish(new GenericDomainEventMessage<>("User", user.toString(), next, event,
                    MetaData.with(RequestMetadata.ACTOR_ID, RequestMetadata.SYSTEM_ACTOR)));
            return next;
        });
    }

    /** Until the read model {@code projection} has replayed (if it was rebuilt) and caught up with the log. */
    protected void awaitCaughtUp(String projection) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
            com.fasterxml.jackson.databind.JsonNode status = api.get("/api/admin/projections/" + projection)
                    .token(admin).send().json();
            return status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean()
                    && status.get("progress").asDouble() >= 1.0;
        });
    }

    /**
     * Every header but those that differ per request by design, whatever the request was: Date,
     * X-Correlation-Id, and the hop-by-hop Connection (Tomcat closes a kept-alive connection
     * after every 100th request on it).
     */
    protected static Map<String, List<String>> comparableHeaders(Api.Response response) {
        Map<String, List<String>> headers = new TreeMap<>(response.raw().headers().map());
        headers.remove("date");
        headers.remove("x-correlation-id");
        headers.remove("connection");
        return headers;
    }

    /** Random lower-case letters: names no other test uses, and (letters only) terms trigrams can find. */
    protected static String letters(int count) {
        StringBuilder letters = new StringBuilder();
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return letters.toString();
    }

    /** A portal-managed user the Portal Admin adds through the API; {@code memberships} as organization id, role, ... */
    protected String user(String firstName, String lastName, String email, String role, String... memberships) {
        ObjectNode body = new ObjectMapper().createObjectNode()
                .put("username", "s-" + letters(12)).put("email", email)
                .put("firstName", firstName).put("lastName", lastName).put("role", role).put("notify", false);
        if (memberships.length > 0) {
            ArrayNode list = body.putArray("memberships");
            for (int i = 0; i < memberships.length; i += 2) {
                list.addObject().put("organizationId", memberships[i]).put("role", memberships[i + 1]);
            }
        }
        Api.Response created = api.post("/api/users", body.toString()).token(admin).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    /** An external IdP user, provisioned through a scheme of its own. */
    protected record IdpUser(String id, String username, String email) {
    }

    /**
     * An IdP user to whom a password was given behind the service's back (a credential row
     * written directly): what its source must keep from signing in with a password.
     */
    protected IdpUser idpUserWithPassword(String password) {
        String scheme = api.post("/api/authentication-schemes", """
                {"name": "Scheme %s", "authorizationType": "IDP",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"owners": "API_OWNER"}}}"""
                .formatted(letters(12))).token(admin).send().json().get("id").asText();
        String subject = letters(12);
        Api.Response provisioned = api.post("/api/authentication-schemes/" + scheme + "/users", """
                {"subject": "%s", "username": "idp-%s", "email": "%s@idp.example", "firstName": "Ida",
                 "lastName": "Provisioned", "attributes": {"group": "owners"}}""".formatted(subject, subject, subject))
                .token(admin).send();
        assertThat(provisioned.status()).as(provisioned.body()).isIn(200, 201);
        String id = provisioned.json().get("id").asText();
        jdbc.sql("insert into credential (user_id, password_hash, updated_at) values (?::uuid, ?, ?)")
                .params(id, Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode(password), OffsetDateTime.now())
                .update();
        return new IdpUser(id, "idp-" + subject, subject + "@idp.example");
    }

    /**
     * None of {@code secrets} is in an event (payload or metadata) or in any row of {@code tables},
     * as text or, for bytea columns, in its hex form.
     */
    protected void assertStoredNowhere(List<String> secrets, List<String> tables) {
        for (String secret : secrets) {
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            assertThat(jdbc.sql("""
                            select count(*) from domainevententry
                            where position(? in convert_from(payload, 'UTF8')) > 0
                               or position(? in convert_from(coalesce(metadata, ''::bytea), 'UTF8')) > 0""")
                    .params(secret, secret).query(Long.class).single()).as("events").isZero();
            for (String table : tables) {
                assertThat(jdbc.sql("select count(*) from " + table + " t where position(? in t::text) > 0 "
                                + "or position(? in t::text) > 0")
                        .params(secret, hex).query(Long.class).single()).as(table).isZero();
            }
        }
    }

    protected long eventCount() {
        return jdbc.sql("select count(*) from domainevententry").query(Long.class).single();
    }

    protected long eventCount(String aggregateId) {
        return jdbc.sql("select count(*) from domainevententry where aggregateidentifier = ?")
                .param(aggregateId).query(Long.class).single();
    }

    private static Path freshFolder() {
        try {
            return Files.createTempDirectory("portal-users-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One of several callers of {@link #concurrently}, told which one it is. */
    @FunctionalInterface
    protected interface Caller<T> {
        T call(int index) throws Exception;
    }

    /** Runs {@code call} from {@code callers} threads released at the same instant; results by caller index. */
    protected static <T> List<T> concurrently(int callers, Caller<T> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }
}
