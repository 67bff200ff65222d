package io.portalusers.standalone;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.portalusers.command.CommandSideApplication;
import io.portalusers.platform.embedded.LocalTokens;
import io.portalusers.query.QuerySideApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outside the embedded default: each side alone against an external PostgreSQL, tokens from
 * a configured key, no local token endpoint, and two command-side nodes that started together
 * leave one bootstrap admin (R-SET-2).
 */
class ProductionConfigurationTest {

    /**
     * A side's master key of personal data (32 random bytes in Base64), the same for every node
     * of a test: a side does not start without one.
     */
    static final String MASTER_KEY = "--portal.privacy.master-key="
            + Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(32));

    private static final String BOOTSTRAP_ADMIN = "00000000-0000-4000-8000-000000000001";
    static final String ISSUER = "https://idp.portal.example/realms/portal";
    static final String AUDIENCE = "portal-users-api";

    @TempDir
    static Path keys;
    private static EmbeddedPostgres postgres;
    private static RSAKey issuerKey;
    private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private static ConfigurableApplicationContext commandNode;
    private static ConfigurableApplicationContext queryNode;

    /**
     * Nodes started at once in one JVM set up the one logging system at once, which Logback
     * does not survive (a ConcurrentModificationException, seen in CI): each holds this lock from
     * its start until its context is prepared, logging set up. The rest, the bootstrap admin's
     * race included, still runs at once.
     */
    private static final ReentrantLock LOGGING_SETUP = new ReentrantLock();
    private static final ApplicationListener<SpringApplicationEvent> ONE_LOGGING_SETUP_AT_A_TIME = event -> {
        if (event instanceof ApplicationStartingEvent) {
            LOGGING_SETUP.lock();
        } else if ((event instanceof ApplicationPreparedEvent || event instanceof ApplicationFailedEvent)
                && LOGGING_SETUP.isHeldByCurrentThread()) {
            LOGGING_SETUP.unlock();
        }
    };

    @BeforeAll
    static void startTwoCommandNodesAndAQueryNode() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        issuerKey = new RSAKeyGenerator(2048).generate();
        Path publicKey = keys.resolve("issuer.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(issuerKey.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        String[] production = {
                "--server.port=0",
                "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                "--spring.datasource.username=postgres",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + publicKey,
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
                "--spring.security.oauth2.resourceserver.jwt.audiences=" + AUDIENCE,
                "--portal.security.audit-clients=bi-reports", MASTER_KEY};
        var first = CompletableFuture.supplyAsync(() -> new SpringApplicationBuilder(CommandSideApplication.class)
                .listeners(ONE_LOGGING_SETUP_AT_A_TIME).run(production));
        var second = CompletableFuture.supplyAsync(() -> new SpringApplicationBuilder(CommandSideApplication.class)
                .listeners(ONE_LOGGING_SETUP_AT_A_TIME).run(production));
        var query = CompletableFuture.supplyAsync(() -> new SpringApplicationBuilder(QuerySideApplication.class)
                .listeners(ONE_LOGGING_SETUP_AT_A_TIME).run(production));
        commandNode = first.get();
        nodes.add(commandNode);
        nodes.add(second.get());
        queryNode = query.get();
        nodes.add(queryNode);
    }

    @AfterAll
    static void stop() throws Exception {
        nodes.forEach(ConfigurableApplicationContext::close);
        postgres.close();
    }

    private static String token(String subject) throws Exception {
        return sign(issuerKey, claims(subject).build());
    }

    /** The claims of a token the configured identity provider issues for this service. */
    static JwtClaimsSet.Builder claims(String subject) {
        return JwtClaimsSet.builder().issuer(ISSUER).audience(List.of(AUDIENCE)).subject(subject)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(600));
    }

    static String sign(RSAKey key, JwtClaimsSet claims) {
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)))
                .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
    }

    private static Api api(ConfigurableApplicationContext node) {
        return new Api(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
    }

    @Test
    void R_SET_2_two_command_nodes_started_together_leave_one_bootstrap_admin() {
        long created = commandNode.getBean(JdbcClient.class).sql("""
                        select count(*) from domainevententry
                        where aggregateidentifier = ? and payloadtype = 'io.portalusers.api.user.UserCreated'""")
                .param(BOOTSTRAP_ADMIN).query(Long.class).single();

        assertThat(created).isEqualTo(1);
    }

    @Test
    void each_side_runs_alone_and_a_command_on_one_is_read_on_the_other() throws Exception {
        String admin = token(BOOTSTRAP_ADMIN);

        Api.Response created = api(commandNode).post("/api/organizations", """
                {"name": "Separate Sides Ltd", "accountPlan": "Gold"}""").token(admin).send();

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> api(queryNode).get("/api/organizations/" + id).token(admin).send().status() == 200);
    }

    @Test
    void edits_of_one_user_racing_on_two_command_nodes_are_retried_and_all_land_in_order() throws Exception {
        String admin = token(BOOTSTRAP_ADMIN);
        String user = api(commandNode).post("/api/users", """
                {"username": "racer", "email": "racer@example.com", "firstName": "Race", "lastName": "Condition",
                 "role": "API_OWNER"}""").token(admin).send().json().get("id").asText();
        List<Api> nodeApis = List.of(api(nodes.get(0)), api(nodes.get(1)));

        List<Integer> statuses = ApiTest.concurrently(16, i -> nodeApis.get(i % 2)
                .patch("/api/users/" + user, """
                        {"firstName": "Racer%d", "lastName": "Condition"}""".formatted(i))
                .token(admin).send().status());

        assertThat(statuses).containsOnly(200);
        List<Long> sequence = commandNode.getBean(JdbcClient.class)
                .sql("select sequencenumber from domainevententry where aggregateidentifier = ? order by sequencenumber")
                .param(user).query(Long.class).list();
        assertThat(sequence).as("created and invited, then 16 edits").hasSize(2 + 16);
        for (int i = 0; i < sequence.size(); i++) {
            assertThat(sequence.get(i)).isEqualTo(i);
        }
    }

    @Test
    void there_is_no_local_signing_key_and_no_token_endpoint() throws Exception {
        for (ConfigurableApplicationContext node : nodes) {
            assertThat(node.getBeanNamesForType(LocalTokens.class)).isEmpty();
            // a path this configuration does not have, so not in its document: without a token it is
            // refused before any routing, as every /api/ path is, which no document can say of it
            assertThat(api(node).uncheckedAgainstOpenApi().get("/api/dev/token?username=admin").send().status())
                    .isEqualTo(401);
            assertThat(api(node).get("/api/dev/token?username=admin").token(token(BOOTSTRAP_ADMIN)).send().status())
                    .isEqualTo(404);
        }
    }

    @Test
    void a_token_from_the_configured_issuer_works_and_others_do_not() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        String forged = sign(stranger, claims(BOOTSTRAP_ADMIN).build());

        assertThat(api(queryNode).get("/api/settings").token(token(BOOTSTRAP_ADMIN)).send().status()).isEqualTo(200);
        assertThat(api(queryNode).get("/api/settings").token(forged).send().status()).isEqualTo(401);
    }

    record Caller(String name, String token) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Caller> R_AUTH_2_tokens_not_bound_to_this_service() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).generate();
        String unsigned = new PlainJWT(new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(BOOTSTRAP_ADMIN)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build()).serialize();
        return Stream.of(
                new Caller("another issuer", sign(issuerKey, claims(BOOTSTRAP_ADMIN).issuer("https://other.example").build())),
                new Caller("no issuer", sign(issuerKey, claims(BOOTSTRAP_ADMIN).claims(c -> c.remove("iss")).build())),
                new Caller("issued for another API", sign(issuerKey, claims(BOOTSTRAP_ADMIN).audience(List.of("billing-api")).build())),
                new Caller("no audience", sign(issuerKey, claims(BOOTSTRAP_ADMIN).claims(c -> c.remove("aud")).build())),
                new Caller("a subject not in canonical form", sign(issuerKey, claims("0-0-4000-8000-1").build())),
                new Caller("a subject with a sign", sign(issuerKey, claims("+0-0-4000-8000-1").build())),
                new Caller("expired", sign(issuerKey, claims(BOOTSTRAP_ADMIN)
                        .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600)).build())),
                new Caller("signed by another key", sign(stranger, claims(BOOTSTRAP_ADMIN).build())),
                new Caller("alg none", unsigned),
                new Caller("a machine client not on the allowlist", sign(issuerKey, claims("other-tool")
                        .claim("scope", "audit:read").build())),
                new Caller("an allowed machine client's id for another audience", sign(issuerKey, claims("bi-reports")
                        .audience(List.of("billing-api")).claim("scope", "audit:read").build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("R_AUTH_2_tokens_not_bound_to_this_service")
    void R_AUTH_2_a_token_not_bound_to_this_service_is_a_401_whatever_its_scopes(Caller caller) {
        JdbcClient jdbc = commandNode.getBean(JdbcClient.class);
        long events = jdbc.sql("select count(*) from domainevententry").query(Long.class).single();
        long audited = jdbc.sql("select count(*) from command_audit").query(Long.class).single();

        Api.Response command = api(commandNode).post("/api/organizations", """
                {"name": "Never %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(caller.token()).send();
        Api.Response history = api(queryNode).get("/api/users/" + BOOTSTRAP_ADMIN + "/history").token(caller.token()).send();

        assertThat(command.status()).as(command.body()).isEqualTo(401);
        assertThat(history.status()).as(history.body()).isEqualTo(401);
        assertThat(command.json().get("code").asText()).isEqualTo("unauthenticated");
        assertThat(jdbc.sql("select count(*) from domainevententry").query(Long.class).single()).isEqualTo(events);
        assertThat(jdbc.sql("select count(*) from command_audit").query(Long.class).single()).isEqualTo(audited);
    }

    @Test
    void R_AUTH_2_a_token_of_the_issuer_for_this_audience_is_accepted_and_an_allowed_machine_client_reads_the_audit() throws Exception {
        String machine = sign(issuerKey, claims("bi-reports").claim("scope", "audit:read").build());
        String bothAudiences = sign(issuerKey, claims(BOOTSTRAP_ADMIN).audience(List.of("billing-api", AUDIENCE)).build());

        assertThat(api(queryNode).get("/api/users/" + BOOTSTRAP_ADMIN + "/history").token(machine).send().status()).isEqualTo(200);
        assertThat(api(queryNode).get("/api/settings").token(bothAudiences).send().status()).isEqualTo(200);
    }

    @Test
    void R_AUTH_2_refused_tokens_are_counted_for_operators() throws Exception {
        MeterRegistry meters = queryNode.getBean(MeterRegistry.class);
        double before = meters.counter("portal.security.refusals", "reason", "invalid-token").count();

        api(queryNode).get("/api/settings").token(sign(issuerKey, claims(BOOTSTRAP_ADMIN).issuer("https://other.example").build())).send();
        api(queryNode).get("/api/settings").send(); // no token at all: a caller not signed in, not an attack

        assertThat(meters.counter("portal.security.refusals", "reason", "invalid-token").count()).isEqualTo(before + 1);
    }
}
