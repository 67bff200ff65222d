package io.portalusers.identity;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import io.portalusers.platform.schema.ModuleMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing keys persist and rotate: the newest signs, an older one stays published until every
 * token it can have signed has expired, and every node reads the same keys. On a real
 * PostgreSQL with the module's own migrations.
 */
class SigningKeysTest {

    private static final Duration ROTATION = Duration.ofDays(30);
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(11);

    private static EmbeddedPostgres postgres;
    private static JdbcClient jdbc;
    private static TransactionTemplate transactions;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T00:00:00Z"));

    @BeforeAll
    static void database() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        DataSource database = postgres.getPostgresDatabase(); // one data source, as the service has: transactions bind to it
        // the module's own migrations, as a node runs them at start-up
        new ModuleMigrations(List.of(new IdentitySchema().identityModuleSchema())).migrate(Flyway.configure().dataSource(database).load());
        jdbc = JdbcClient.create(database);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void noKeys() {
        jdbc.sql("delete from identity_signing_key").update();
    }

    private SigningKeys node() {
        return new SigningKeys(jdbc, transactions, ROTATION, TOKEN_LIFETIME, clock);
    }

    private static List<String> published(SigningKeys keys) {
        return keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null).stream().map(JWK::getKeyID).toList();
    }

    @Test
    void the_first_node_makes_a_key_and_every_node_and_restart_signs_with_it() {
        RSAKey first = node().current();

        assertThat(node().current().getKeyID()).isEqualTo(first.getKeyID());
        assertThat(first.isPrivate()).isTrue();
        assertThat(published(node())).containsExactly(first.getKeyID());
        assertThat(node().get(new JWKSelector(new JWKMatcher.Builder().build()), null))
                .allSatisfy(key -> assertThat(key.isPrivate()).as("the JWKS shows public keys only").isFalse());
    }

    @Test
    void after_the_rotation_period_a_new_key_signs_and_the_old_one_stays_published_until_its_tokens_expired() {
        String old = node().current().getKeyID();

        clock.move(ROTATION.minusMinutes(1));
        assertThat(node().current().getKeyID()).as("not yet due").isEqualTo(old);

        clock.move(Duration.ofMinutes(2));
        String fresh = node().current().getKeyID();
        assertThat(fresh).isNotEqualTo(old);
        assertThat(published(node())).containsExactly(fresh, old);

        clock.move(TOKEN_LIFETIME.minusMinutes(1));
        assertThat(published(node())).as("tokens the old key signed may still be valid").containsExactly(fresh, old);

        clock.move(Duration.ofMinutes(2));
        assertThat(published(node())).containsExactly(fresh);
        assertThat(jdbc.sql("select count(*) from identity_signing_key").query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void two_nodes_rotating_at_once_make_one_new_key() throws Exception {
        node().current();
        clock.move(ROTATION.plusMinutes(1));
        SigningKeys a = node();
        SigningKeys b = node();

        Thread other = new Thread(b::current);
        other.start();
        String fromA = a.current().getKeyID();
        other.join();

        assertThat(b.current().getKeyID()).isEqualTo(fromA);
        assertThat(jdbc.sql("select count(*) from identity_signing_key").query(Long.class).single()).isEqualTo(2);
    }

    /** A clock the test moves forward. */
    private static final class MovableClock extends Clock {

        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
