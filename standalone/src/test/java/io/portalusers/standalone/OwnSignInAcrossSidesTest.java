package io.portalusers.standalone;

import io.portalusers.command.CommandSideApplication;
import io.portalusers.query.QuerySideApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wiring docker-compose.yml gives the sides, as two nodes in this JVM: the command side runs
 * sign-in (its own issuer), the query side trusts that issuer through its JWKS. The bootstrap
 * admin, invited at creation, sets its password, signs in on the command side and is known by
 * the query side with the token it got there.
 */
class OwnSignInAcrossSidesTest {

    private static final String BOOTSTRAP_ADMIN = "00000000-0000-4000-8000-000000000001";
    private static final String ISSUER = "http://localhost:8081";

    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext commandNode;
    private static ConfigurableApplicationContext queryNode;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        String database = "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres");
        commandNode = new SpringApplicationBuilder(CommandSideApplication.class).run("--server.port=0", database,
                "--spring.datasource.username=postgres", "--portal.identity.issuer=" + ISSUER,
                "--portal.identity.portal-client.redirect-uris=" + OidcClient.REDIRECT,
                "--spring.security.oauth2.resourceserver.jwt.audiences=portal-users", ProductionConfigurationTest.MASTER_KEY);
        queryNode = new SpringApplicationBuilder(QuerySideApplication.class).run("--server.port=0", database,
                "--spring.datasource.username=postgres", "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + ISSUER,
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://localhost:" + port(commandNode) + "/oauth2/jwks",
                "--spring.security.oauth2.resourceserver.jwt.audiences=portal-users", ProductionConfigurationTest.MASTER_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        queryNode.close();
        commandNode.close();
        postgres.close();
    }

    private static int port(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }

    /** The bootstrap admin sets its password with its invitation, once for the class. */
    private static synchronized void activateTheAdmin() {
        JdbcClient jdbc = commandNode.getBean(JdbcClient.class);
        if (jdbc.sql("select count(*) from credential where user_id = ?::uuid").param(BOOTSTRAP_ADMIN).query(Long.class).single() > 0) {
            return;
        }
        // no mail server here: the invitation's token waits for the notifier, where this test reads it
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("select count(*) from invitation_outbox where user_id = ?::uuid")
                .param(BOOTSTRAP_ADMIN).query(Long.class).single() == 1);
        String token = jdbc.sql("select raw_token from invitation_outbox where user_id = ?::uuid").param(BOOTSTRAP_ADMIN)
                .query(String.class).single();
        assertThat(new Api(port(commandNode)).post("/api/account-setup/" + token, """
                {"password": "a compose newcomer's passphrase"}""").send().status()).isEqualTo(200);
    }

    @Test
    void R_AUTH_3_the_bootstrap_admin_sets_its_password_signs_in_on_the_command_side_and_reads_on_the_query_side()
            throws Exception {
        activateTheAdmin();
        Api commands = new Api(port(commandNode));

        OidcClient.Outcome signedIn = new OidcClient(port(commandNode)).signIn("admin", "a compose newcomer's passphrase");

        assertThat(signedIn.signedIn()).as(signedIn.location()).isTrue();
        assertThat(signedIn.claims().get("iss").asText()).isEqualTo(ISSUER);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(new Api(port(queryNode))
                .get("/api/users/" + BOOTSTRAP_ADMIN).token(signedIn.accessToken()).send().status()).isEqualTo(200));
        assertThat(commands.post("/api/organizations", """
                {"name": "Signed In Ltd", "accountPlan": "Gold"}""").token(signedIn.accessToken()).send().status())
                .isEqualTo(201);
    }

    @Test
    void R_AUTH_4_a_reset_asked_for_on_the_command_side_is_queued_for_the_query_sides_notifier() {
        activateTheAdmin();
        JdbcClient jdbc = commandNode.getBean(JdbcClient.class);
        // the notifier knows the admin's address once it has projected its creation
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("select count(*) from mail_recipient where user_id = ?::uuid")
                .param(BOOTSTRAP_ADMIN).query(Long.class).single() == 1);

        Api.Response asked = new Api(port(commandNode)).post("/api/password-resets", """
                {"login": "admin@portal.example"}""").send();

        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        assertThat(jdbc.sql("select count(*) from mail_outbox where user_id = ?::uuid and kind = 'PASSWORD_RESET'")
                .param(BOOTSTRAP_ADMIN).query(Long.class).single()).isEqualTo(1);
    }
}
