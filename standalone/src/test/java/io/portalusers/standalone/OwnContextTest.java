package io.portalusers.standalone;

import io.portalusers.api.UserId;
import io.portalusers.platform.embedded.LocalTokens;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Tests that need the whole service with settings of their own (small limits, a mail server
 * they take down, a portal with exactly two admins), and so a context and a database of
 * their own: a second context on {@link ApiTest}'s folder could not lock it. Each subclass
 * names its folder with {@link #ownDatabase} in its {@code @DynamicPropertySource}.
 *
 * Each context is closed when its class is done, so that Spring closes the connection pool
 * before the embedded PostgreSQL. Left to the JVM's exit, io.zonky's own shutdown hook stops
 * PostgreSQL while Spring's hook is still closing, and each pool then retries its connections
 * for up to its connection timeout: surefire gave up on the test JVM after 30 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
public abstract class OwnContextTest {

    @LocalServerPort
    protected int port;
    @Autowired
    protected LocalTokens tokens;
    @Autowired
    protected JdbcClient jdbc;
    @Value("${portal.bootstrap-admin.id}")
    protected String bootstrapAdmin;

    /** The embedded PostgreSQL of this context, in a fresh temporary folder named after {@code name}. */
    protected static void ownDatabase(DynamicPropertyRegistry registry, String name) {
        try {
            String dir = Files.createTempDirectory("portal-users-" + name).toString();
            registry.add("portal.embedded.data-dir", () -> dir);
            registry.add("portal.embedded.durable", () -> "false"); // thrown away after the class: speed over durability
            registry.add("portal.bootstrap-admin.invite", () -> "false"); // no invitation of its own among the tests' emails
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected Api api() {
        return new Api(port);
    }

    /** A token of the bootstrap Portal Admin. */
    protected String adminToken() {
        return tokens.issue(UserId.of(bootstrapAdmin)).token();
    }
}
