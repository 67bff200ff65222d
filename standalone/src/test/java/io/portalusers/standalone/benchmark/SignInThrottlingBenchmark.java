package io.portalusers.standalone.benchmark;

import io.portalusers.standalone.Api;
import io.portalusers.standalone.MutableClock;
import io.portalusers.standalone.OidcClient;
import io.portalusers.standalone.OwnContextTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-AUTH-3, measured: how many guesses at one account's password the throttle lets be
 * checked, from one client and from 50, and whether the real user still gets in from its own
 * client right after. Not a test: its name keeps it out of {@code mvn verify}; run it on purpose with
 * <pre>nice mvn -o -B verify -pl standalone -am -Dtest=SignInThrottlingBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * It writes {@code benchmarks/R-AUTH-3-throttling.md} (or {@code -Dbenchmark.results=...}).
 *
 * <p>The service runs with its default throttle settings, behind a trusted proxy at 127.0.0.2:
 * each attacking client's requests go out of a socket bound to it with the client's address
 * in X-Forwarded-For. Each scenario has an account of its own, whose owner signed in once from
 * its home address before the attack. Each of the 1,000 attempts posts the sign-in form with a
 * wrong password, as a guessing script does (one session per client, its CSRF token reused).
 * A burst sends them one after the other as fast as the service answers; an hour spreads them
 * over one hour of the service's clock (the test clock, moved 3.6 s ahead before each), which
 * is what an attacker gets per hour once the delays have grown. Checked and refused attempts
 * are counted from the sign-in audit record (FAILED: the password was checked; THROTTLED: not).
 */
@Import(MutableClock.Configuration.class)
class SignInThrottlingBenchmark extends OwnContextTest {

    private static final String PROXY = "127.0.0.2";
    private static final int ATTEMPTS = Integer.getInteger("benchmark.attempts", 1000);
    private static final Path RESULTS = Path.of(System.getProperty("benchmark.results", "../benchmarks/R-AUTH-3-throttling.md"));
    private static int addresses;

    @DynamicPropertySource
    static void behindAProxy(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "sign-in-benchmark");
        registry.add("portal.rate-limit.anonymous.requests-per-minute", () -> "10000000");
        registry.add("portal.rate-limit.trusted-proxies", () -> PROXY);
    }

    @Autowired
    private DataSource dataSource;
    @Autowired
    private MutableClock clock;

    private final Markdown out = new Markdown();

    private record Account(String id, String username, String password) {
    }

    private record Result(String scenario, int clients, int attempts, long checked, long throttled, double seconds,
                          double serviceHours, double checkedPerHour, long userMillis, boolean userIn,
                          String newClient) {
    }

    @Test
    void sign_in_throttling() throws Exception {
        out.machine("R-AUTH-3: password guesses checked under the sign-in throttle",
                "nice mvn -o -B verify -pl standalone -am -Dtest=SignInThrottlingBenchmark "
                        + "-Dsurefire.failIfNoSpecifiedTests=false", dataSource::getConnection);
        out.line("- settings: the defaults (account: 10 free failures, then 1 s doubling to 5 min; account from one "
                + "client: 5, then 1 s doubling to 15 min; one client across accounts: 50, then 1 s doubling to 15 min; "
                + "a client the account signed in from within 30 days is judged by its own failures only)");
        out.line("- workload: per scenario %d wrong passwords at one account, each a POST of the sign-in form through "
                + "a trusted proxy (127.0.0.2, X-Forwarded-For), one at a time; then the account's owner signs in "
                + "(authorization code with PKCE) from the home address it had signed in from once before the attack, "
                + "and a client it never used tries too. Checked and throttled attempts are counted from the sign-in "
                + "audit record.", ATTEMPTS);

        double unthrottled = checkSeconds();
        warmUp();
        List<Result> results = new ArrayList<>();
        results.add(attack("burst", 1, false));
        results.add(attack("burst", 50, false));
        results.add(attack("one hour", 1, true));
        results.add(attack("one hour", 50, true));

        out.section("Results");
        out.table("scenario", "clients", "attempts", "passwords checked", "refused unchecked", "wall time",
                "service time", "checked per hour", "owner from its home client", "a client never used before");
        for (Result r : results) {
            out.row(r.scenario(), Integer.toString(r.clients()), Integer.toString(r.attempts()),
                    Long.toString(r.checked()), Long.toString(r.throttled()), seconds(r.seconds()),
                    r.serviceHours() == 0 ? seconds(r.seconds()) : "%.2f h".formatted(r.serviceHours()),
                    r.serviceHours() == 0 ? "(a burst)" : "%.0f".formatted(r.checkedPerHour()),
                    (r.userIn() ? "signed in" : "REFUSED") + " (" + r.userMillis() + " ms)", r.newClient());
        }
        out.section("Reading");
        out.line("- Without the throttle one client checks a password every %.0f ms (measured here, one at a time: "
                + "Argon2id plus the request), %,.0f an hour; in parallel, that many per core.", unthrottled * 1000,
                3600 / unthrottled);
        out.line("- A burst shows what an attacker gets before the delays have grown: the free failures and the "
                + "first doubling steps, whatever the number of attempts. The hour rows are the checks per hour: the "
                + "free failures and the doubling steps, then, once the delays reach their caps, one check per 15 min "
                + "from one client (the account-and-client cap) and one per 5 min from any number of clients together "
                + "(the account's cap): 4 and 12 an hour in the long run.");
        out.line("- The owner's home client is judged by its own failures only, so it signs in at once whatever the "
                + "attack; a client it never used meets the account's delay while the attack goes on (at most 5 min "
                + "after the attacker's last checked guess).");
        out.write(RESULTS);

        assertThat(results).allSatisfy(r -> assertThat(r.userIn()).as(r.scenario() + " " + r.clients()).isTrue());
    }

    /** Throttled attempts at an account of its own, before anything is measured: the JIT compiles the paths. */
    private void warmUp() throws Exception {
        Account account = account();
        OidcClient client = new OidcClient(port, PROXY, address());
        for (int i = 0; i < 200; i++) {
            refused(client.password(account.username(), "warming up " + i));
        }
    }

    /** What one checked wrong password costs, without the throttle in the way (fresh logins, fresh clients, median of 21). */
    private double checkSeconds() throws Exception {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            OidcClient client = new OidcClient(port, PROXY, address());
            client.get("/login");
            long started = System.nanoTime();
            refused(client.password("calibration-" + i + "-" + UUID.randomUUID(), "a wrong password"));
            samples.add((System.nanoTime() - started) / 1e9);
        }
        Collections.sort(samples);
        return samples.get(samples.size() / 2);
    }

    private Result attack(String scenario, int clients, boolean spreadOverAnHour) throws Exception {
        Account account = account();
        String home = address();
        assertThat(new OidcClient(port, PROXY, home).signIn(account.username(), account.password()).signedIn()).isTrue();
        List<OidcClient> attackers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            attackers.add(new OidcClient(port, PROXY, address()));
        }
        Duration step = Duration.ofHours(1).dividedBy(ATTEMPTS);
        long started = System.nanoTime();
        for (int i = 0; i < ATTEMPTS; i++) {
            if (spreadOverAnHour) {
                clock.advance(step);
            }
            refused(attackers.get(i % clients).password(account.username(), "guess number " + i));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long checked = count(account, "FAILED");
        long throttled = count(account, "THROTTLED");

        long userStarted = System.nanoTime();
        boolean userIn = new OidcClient(port, PROXY, home).signIn(account.username(), account.password()).signedIn();
        long userMillis = (System.nanoTime() - userStarted) / 1_000_000;
        String newClient = newClient(account);
        double serviceHours = spreadOverAnHour ? 1.0 : 0;
        double perHour = spreadOverAnHour ? checked : checked / seconds * 3600;
        out.line("- %s, %d client(s): %d checked, %d throttled in %s", scenario, clients, checked, throttled,
                seconds(seconds));
        return new Result(scenario, clients, ATTEMPTS, checked, throttled, seconds, serviceHours, perHour, userMillis,
                userIn, newClient);
    }

    /** Whether a client the owner never used gets in right after the attack, and if not, how long the account's delay has left. */
    private String newClient(Account account) throws Exception {
        Instant blockedUntil = jdbc.sql("""
                        select blocked_until from sign_in_throttle where kind = 'ACCOUNT' and subject = ?""")
                .param("user:" + account.id()).query(OffsetDateTime.class).optional().map(OffsetDateTime::toInstant)
                .orElse(null);
        Duration left = blockedUntil == null ? Duration.ZERO : Duration.between(clock.instant(), blockedUntil);
        boolean in = new OidcClient(port, PROXY, address()).signIn(account.username(), account.password()).signedIn();
        return in ? "signed in" : "refused; the account's delay had " + Math.max(0, left.toSeconds()) + " s left";
    }

    private long count(Account account, String outcome) {
        return jdbc.sql("select count(*) from sign_in_audit where user_id = ?::uuid and outcome = ?")
                .params(account.id(), outcome).query(Long.class).single();
    }

    /** An API Owner the Portal Admin adds, whose password is stored as account setup stores it. */
    private Account account() {
        String username = "guessed-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api().post("/api/users", """
                {"username": "%s", "email": "%s@example.com", "firstName": "Gus", "lastName": "Guessed",
                 "role": "API_OWNER", "notify": false}""".formatted(username, username)).token(adminToken()).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        String password = "the owner's own " + UUID.randomUUID();
        jdbc.sql("insert into credential (user_id, password_hash, updated_at) values (?::uuid, ?, ?)")
                .params(id, Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8().encode(password), OffsetDateTime.now())
                .update();
        return new Account(id, username, password);
    }

    private static synchronized String address() {
        addresses++;
        return "198.18." + addresses / 250 + "." + (addresses % 250 + 1);
    }

    private static void refused(HttpResponse<String> answer) {
        assertThat(OidcClient.location(answer)).endsWith("/login?error");
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
