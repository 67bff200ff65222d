package io.portalusers.standalone;

import org.springframework.boot.test.system.CapturedOutput;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secrets a test class used (passwords, raw tokens) and the log output of all its tests,
 * so that once they all ran, the class can check that none of those secrets was ever logged.
 */
final class SecretsInLog {

    private final Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final StringBuilder log = new StringBuilder();

    /** {@code secret}, remembered to be looked for in the log. */
    String secret(String secret) {
        secrets.add(secret);
        return secret;
    }

    /** Every secret remembered so far. */
    Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    /** The output of a test that just ran. */
    void keep(CapturedOutput output) {
        synchronized (log) {
            log.append(output.getAll());
        }
    }

    void assertNoneLogged() {
        assertThat(secrets).as("secrets used").isNotEmpty();
        String all;
        synchronized (log) {
            all = log.toString();
        }
        for (String secret : secrets) {
            assertThat(all).doesNotContain(secret);
        }
    }
}
