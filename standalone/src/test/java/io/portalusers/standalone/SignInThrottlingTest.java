package io.portalusers.standalone;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-AUTH-3, throttling: failed password sign-ins are slowed per account, per (account, client)
 * and per client, and an attacker elsewhere does not keep a user out of the client it signs in
 * from. Its own context with small thresholds and delays, a trusted proxy at 127.0.0.2 (each
 * browser's requests go out of a socket bound to it, naming the browser's address in
 * X-Forwarded-For) and the test clock, moved ahead instead of waiting for a delay to pass.
 */
@Import(MutableClock.Configuration.class)
class SignInThrottlingTest extends OwnContextTest {

    static final String PROXY = "127.0.0.2";
    static final int PAIR_FREE = 3;
    static final int ACCOUNT_FREE = 6;
    static final int CLIENT_FREE = 10;
    static final Duration FIRST = Duration.ofSeconds(10);
    static final Duration ACCOUNT_CAP = Duration.ofSeconds(40);
    static final Mailbox MAIL = Mailbox.start();
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @DynamicPropertySource
    static void smallThrottle(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "sign-in-throttle");
        ApiTest.mailTo(MAIL, registry);
        registry.add("portal.rate-limit.anonymous.requests-per-minute", () -> "10000000");
        registry.add("portal.rate-limit.trusted-proxies", () -> PROXY);
        registry.add("portal.identity.throttle.pair-free-failures", () -> PAIR_FREE);
        registry.add("portal.identity.throttle.account-free-failures", () -> ACCOUNT_FREE);
        registry.add("portal.identity.throttle.client-free-failures", () -> CLIENT_FREE);
        registry.add("portal.identity.throttle.first-delay", () -> FIRST.toSeconds() + "s");
        registry.add("portal.identity.throttle.account-max-delay", () -> ACCOUNT_CAP.toSeconds() + "s");
        registry.add("portal.identity.throttle.pair-max-delay", () -> "80s");
        registry.add("portal.identity.throttle.client-max-delay", () -> "80s");
    }

    @Autowired
    MutableClock clock;
    @Autowired
    MeterRegistry meters;

    Api api;
    String admin;

    @BeforeEach
    void connect() {
        api = api();
        admin = adminToken();
    }

    record Account(String id, String username, String email, String password) {
    }

    /** A user the Portal Admin invites, who completes its account setup with a password. */
    private Account activeUser() {
        String username = "throttled-" + UUID.randomUUID().toString().substring(0, 8);
        String email = username + "@example.com";
        Api.Response created = api.post("/api/users", """
                {"username": "%s", "email": "%s", "firstName": "Tilda", "lastName": "Throttled", "role": "API_OWNER",
                 "notify": true}""".formatted(username, email)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String password = "my own long password " + UUID.randomUUID().toString().substring(0, 8);
        Api.Response activated = api.post("/api/account-setup/" + MAIL.awaitToken(email, 1), """
                {"password": "%s"}""".formatted(password)).send();
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
        return new Account(created.json().get("id").asText(), username, email, password);
    }

    /** An address no other test uses (198.18.0.0/15, for benchmarks and tests). */
    static String freshAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "198.18." + n / 250 + "." + (n % 250 + 1);
    }

    private OidcClient browserAt(String address) {
        return new OidcClient(port, PROXY, address);
    }

    private double throttled() {
        Counter counter = meters.find("portal.security.refusals").tag("reason", "sign-in-throttled").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void refused(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(OidcClient.location(answer)).endsWith("/login?error");
    }

    private static void wrong(OidcClient browser, String login, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            refused(browser.password(login, "not the password " + i));
        }
    }

    @Test
    void R_AUTH_3_failures_for_one_account_are_throttled_until_a_doubling_delay_has_passed() throws Exception {
        Account user = activeUser();
        OidcClient browser = browserAt(freshAddress());
        wrong(browser, user.username(), PAIR_FREE);

        // blocked for FIRST: the right password is refused without being checked
        double before = throttled();
        OidcClient.Outcome blocked = browser.signIn(user.username(), user.password());
        assertThat(blocked.signedIn()).isFalse();
        assertThat(blocked.location()).endsWith("/login?error");
        assertThat(throttled()).isEqualTo(before + 1);

        // once it has passed, one more guess is checked; a failure doubles the delay
        clock.advance(FIRST.plusSeconds(1));
        wrong(browser, user.email(), 1);
        clock.advance(FIRST.plusSeconds(1));
        assertThat(browser.signIn(user.username(), user.password()).signedIn()).isFalse();
        clock.advance(FIRST);
        assertThat(browser.signIn(user.username(), user.password()).signedIn()).isTrue();
        assertThat(throttled()).isEqualTo(before + 2);
    }

    @Test
    void R_AUTH_3_attackers_elsewhere_do_not_keep_the_user_out_of_the_client_it_signs_in_from() throws Exception {
        Account user = activeUser();
        String home = freshAddress();
        assertThat(browserAt(home).signIn(user.email(), user.password()).signedIn()).isTrue();

        // ten attacking addresses, four guesses each: past the account's free failures
        for (int i = 0; i < 10; i++) {
            OidcClient attacker = browserAt(freshAddress());
            for (int guess = 0; guess < 4; guess++) {
                refused(attacker.password(user.username(), "guess " + i + "-" + guess));
            }
        }
        double before = throttled();

        // the user's own client is judged by its own failures only: in at once
        assertThat(browserAt(home).signIn(user.username(), user.password()).signedIn()).isTrue();
        // a client it never signed in from waits for the account's delay, at most its cap
        String elsewhere = freshAddress();
        assertThat(browserAt(elsewhere).signIn(user.username(), user.password()).signedIn()).isFalse();
        assertThat(throttled()).isEqualTo(before + 1);
        clock.advance(ACCOUNT_CAP.plusSeconds(1));
        assertThat(browserAt(elsewhere).signIn(user.username(), user.password()).signedIn()).isTrue();
    }

    @Test
    void R_AUTH_3_one_client_guessing_across_many_accounts_is_throttled_across_them() throws Exception {
        Account user = activeUser();
        String stuffer = freshAddress();
        OidcClient browser = browserAt(stuffer);
        for (int i = 0; i < CLIENT_FREE; i++) {
            // one guess per login: no account and no pair is past its free failures
            refused(browser.password("someone-" + i + "-" + UUID.randomUUID() + "@example.com", "Summer2024!"));
        }
        double before = throttled();

        assertThat(browserAt(stuffer).signIn(user.username(), user.password()).signedIn()).isFalse();
        assertThat(throttled()).isEqualTo(before + 1);
        assertThat(browserAt(freshAddress()).signIn(user.username(), user.password()).signedIn()).isTrue();
        clock.advance(FIRST.plusSeconds(1));
        assertThat(browserAt(stuffer).signIn(user.username(), user.password()).signedIn()).isTrue();
    }

    @Test
    void R_AUTH_3_throttled_unknown_and_wrong_answer_alike() throws Exception {
        Account user = activeUser();
        OidcClient browser = browserAt(freshAddress());
        String unknown = "nobody-" + UUID.randomUUID() + "@example.com";
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(browser.password(user.username(), "wrong, checked"));
        answers.add(browser.password(unknown, "unknown, checked"));
        wrong(browser, user.username(), PAIR_FREE - 1);
        wrong(browser, unknown, PAIR_FREE - 1);
        double before = throttled();
        answers.add(browser.password(user.username(), "wrong, throttled"));
        answers.add(browser.password(unknown, "unknown, throttled"));
        answers.add(browser.password(user.username(), user.password()));

        // the unknown login was throttled exactly as the account was
        assertThat(throttled()).isEqualTo(before + 3);
        Set<String> headers = headerNames(answers.get(0));
        assertThat(answers).allSatisfy(answer -> {
            refused(answer);
            assertThat(answer.body()).isEmpty();
            assertThat(headerNames(answer)).isEqualTo(headers);
        });
        // and the page it is sent to is one page, whatever the reason
        String page = browser.get("/login?error").body();
        assertThat(page).contains("do not match an account that may sign in here", "try again in a few minutes");
    }

    private static Set<String> headerNames(HttpResponse<String> answer) {
        Set<String> names = new TreeSet<>(answer.headers().map().keySet());
        names.remove("date");
        // hop-by-hop: Tomcat closes a kept-alive connection after every 100th request on it
        names.remove("connection");
        return names;
    }

    @Test
    void R_AUTH_3_a_sign_in_clears_the_accounts_failures_from_that_client() throws Exception {
        Account user = activeUser();
        OidcClient browser = browserAt(freshAddress());
        for (int round = 0; round < 3; round++) {
            wrong(browser, user.username(), PAIR_FREE - 1);
            HttpResponse<String> in = browser.password(user.username(), user.password());
            assertThat(OidcClient.location(in)).as("round " + round).doesNotEndWith("?error");
        }
        assertThat(jdbc.sql("select failures from sign_in_throttle where kind = 'PAIR' and subject = ?")
                .param("user:" + user.id()).query(Integer.class).single()).isZero();
        // the account's own count is not cleared by one client's success: it counts every client's failures
        assertThat(jdbc.sql("select failures from sign_in_throttle where kind = 'ACCOUNT' and subject = ?")
                .param("user:" + user.id()).query(Integer.class).single()).isEqualTo(3 * (PAIR_FREE - 1));
    }

    @Test
    void R_AUTH_3_parallel_guesses_share_one_opening() throws Exception {
        Account user = activeUser();
        String address = freshAddress();
        wrong(browserAt(address), user.username(), PAIR_FREE);
        clock.advance(FIRST.plusSeconds(1));
        List<OidcClient> browsers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            OidcClient browser = browserAt(address);
            browser.get("/login");
            browsers.add(browser);
        }
        double before = throttled();

        List<HttpResponse<String>> answers = inParallel(browsers, user.username());

        assertThat(answers).allSatisfy(SignInThrottlingTest::refused);
        // one was checked (and failed); the other seven were refused unchecked
        assertThat(throttled()).isEqualTo(before + 7);
        assertThat(jdbc.sql("select failures from sign_in_throttle where kind = 'PAIR' and subject = ?")
                .param("user:" + user.id()).query(Integer.class).single()).isEqualTo(PAIR_FREE + 1);
    }

    private static List<HttpResponse<String>> inParallel(List<OidcClient> browsers, String login) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(browsers.size());
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (OidcClient browser : browsers) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return browser.password(login, "a parallel guess");
                }));
            }
            start.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdown();
        }
    }
}
