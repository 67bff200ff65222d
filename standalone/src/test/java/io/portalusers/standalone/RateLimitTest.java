package io.portalusers.standalone;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The abuse limit of the anonymous endpoints, with a limit small enough to
 * reach, and a trusted proxy at 127.0.0.2 (requests from it are sent over a socket bound to
 * that address). Its own context and database, so that the shared test context keeps its high
 * limit. The pending-request expiry runs here too, with a short one, through the real
 * db-scheduler deadline manager.
 */
class RateLimitTest extends OwnContextTest {

    static final int LIMIT = 50;
    static final String PROXY = "127.0.0.2";

    @DynamicPropertySource
    static void ownDatabaseAndSmallLimits(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "rate-limit");
        registry.add("portal.rate-limit.anonymous.requests-per-minute", () -> LIMIT);
        registry.add("portal.rate-limit.trusted-proxies", () -> PROXY + ", 10.0.0.0/8");
        registry.add("portal.registration.expiry", () -> "2s");
        registry.add("db-scheduler.polling-interval", () -> "1s");
    }

    Api api;
    String admin;

    @BeforeEach
    void connect() {
        api = api();
        admin = adminToken();
    }

    private static String bogusToken() {
        return "x".repeat(43);
    }

    private static String randomAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.51." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    @Test
    void T5_a_client_is_refused_past_the_limit_with_429_and_retry_after_and_a_spoofed_forwarded_for_does_not_reset_it() {
        long started = System.nanoTime();
        List<Api.Response> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            // a client that is not a trusted proxy claims another address on every request
            answers.add(api.get("/api/account-setup/" + bogusToken())
                    .header("X-Forwarded-For", randomAddress()).send());
        }
        // the account setup POST and the registration share the client's budget
        List<Api.Response> setups = new ArrayList<>();
        List<Api.Response> registrations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            setups.add(api.post("/api/account-setup/" + bogusToken(), "{\"password\": \"whatever it is\"}").send());
            registrations.add(api.post("/api/registrations", "{}").send());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Api.Response> all = new ArrayList<>(answers);
        all.addAll(setups);
        all.addAll(registrations);

        // LIMIT at once, then one more per 60/LIMIT s elapsed as the bucket refills
        assertThat(answers.subList(0, LIMIT)).allSatisfy(a -> assertThat(a.status()).isEqualTo(404));
        long allowed = all.stream().filter(a -> a.status() != 429).count();
        assertThat(allowed).isBetween((long) LIMIT, LIMIT + (long) Math.ceil(seconds * LIMIT / 60.0) + 1);
        assertThat(all.stream().filter(a -> a.status() == 429)).hasSize(all.size() - (int) allowed).allSatisfy(a -> {
            assertThat(a.contentType()).startsWith("application/problem+json");
            assertThat(a.json().get("code").asText()).isEqualTo("rate-limited");
            assertThat(Long.parseLong(a.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
        });
        assertThat(setups.stream().filter(a -> a.status() == 429).count()).isGreaterThanOrEqualTo(8);
        assertThat(registrations.stream().filter(a -> a.status() == 429).count()).isGreaterThanOrEqualTo(8);
        // endpoints with a token are not anonymous and not limited
        assertThat(api.get("/api/settings").token(admin).send().status()).isEqualTo(200);
    }

    @Test
    void T5_from_a_trusted_proxy_the_forwarded_address_is_the_client() throws IOException {
        String client = randomAddress();
        long started = System.nanoTime();
        List<RawHttp.Answer> answers = new ArrayList<>();
        for (int i = 0; i < 2 * LIMIT; i++) {
            answers.add(viaProxy("GET", "/api/account-setup/" + bogusToken(), null, client));
        }
        // the client cannot reset it by prepending an address of its own: the right-most untrusted one counts
        for (int i = 0; i < 20; i++) {
            answers.add(viaProxy("GET", "/api/account-setup/" + bogusToken(), null, randomAddress() + ", " + client));
        }
        // behind a chain of trusted proxies (10.0.0.0/8) it is still the client's address
        for (int i = 0; i < 20; i++) {
            answers.add(viaProxy("GET", "/api/account-setup/" + bogusToken(), null, client + ", 10.1.2." + (i + 1)));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // LIMIT at once, then one more per 60/LIMIT s elapsed as the bucket refills
        assertThat(answers.subList(0, LIMIT)).allSatisfy(a -> assertThat(a.status()).isEqualTo(404));
        long allowed = answers.stream().filter(a -> a.status() == 404).count();
        assertThat(allowed).isBetween((long) LIMIT, LIMIT + (long) Math.ceil(seconds * LIMIT / 60.0) + 1);
        assertThat(answers.stream().filter(a -> a.status() != 404))
                .hasSize(answers.size() - (int) allowed)
                .allSatisfy(a -> {
                    assertThat(a.status()).isEqualTo(429);
                    assertThat(a.headers()).containsKey("retry-after");
                });
        // another client behind the same proxy has its own budget
        assertThat(viaProxy("GET", "/api/account-setup/" + bogusToken(), null, randomAddress()).status()).isEqualTo(404);
    }

    @Test
    void T5_each_visitor_of_the_console_pages_has_its_own_budget_and_nobody_else_can_forward_an_address() throws IOException {
        // two visitors behind the trusted proxy; the console calls the API over loopback for both
        String first = randomAddress();
        String second = randomAddress();
        String[] firstSession = consoleSession(first);
        long started = System.nanoTime();
        List<RawHttp.Answer> asked = new ArrayList<>();
        for (int i = 0; i < LIMIT + 20; i++) {
            asked.add(askResetThroughConsole(first, firstSession));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(asked.subList(0, LIMIT)).allSatisfy(a -> assertThat(a.body()).contains("id=\"reset-requested\""));
        long allowed = asked.stream().filter(a -> a.body().contains("id=\"reset-requested\"")).count();
        assertThat(allowed).isLessThanOrEqualTo(LIMIT + (long) Math.ceil(seconds * LIMIT / 60.0) + 1);
        // the rest (all but what the bucket refilled meanwhile) refused, in the page's words
        assertThat(asked.stream().filter(a -> !a.body().contains("id=\"reset-requested\""))).isNotEmpty()
                .allSatisfy(a -> assertThat(a.body()).contains("id=\"problem\"").contains("rate-limited"));
        // the first visitor's spent budget is not the second's
        assertThat(askResetThroughConsole(second, consoleSession(second)).body()).contains("id=\"reset-requested\"");

        // a caller on this very machine (not a trusted proxy) forging both the forwarded address and the
        // console's proof is counted by its own address
        started = System.nanoTime();
        List<RawHttp.Answer> forged = new ArrayList<>();
        for (int i = 0; i < LIMIT + 10; i++) {
            forged.add(RawHttp.send("127.0.0.3", port, "GET", "/api/account-setup/" + bogusToken(), null,
                    Map.of("X-Forwarded-For", randomAddress(), "X-Portal-Forwarded-By", bogusToken())));
        }
        seconds = (System.nanoTime() - started) / 1e9;
        assertThat(forged.stream().filter(a -> a.status() == 404).count())
                .isBetween((long) LIMIT, LIMIT + (long) Math.ceil(seconds * LIMIT / 60.0) + 1);
    }

    /** A visitor's session at the console's forgot-password page through the proxy: its cookie and CSRF token. */
    private String[] consoleSession(String visitor) throws IOException {
        RawHttp.Answer page = viaProxy("GET", "/console/password-reset?lang=en", null, visitor);
        assertThat(page.status()).isEqualTo(200);
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        String cookie = page.cookies().stream().map(c -> c.split(";")[0]).collect(Collectors.joining("; "));
        return new String[]{cookie, csrf.group(1)};
    }

    private RawHttp.Answer askResetThroughConsole(String visitor, String[] session) throws IOException {
        return RawHttp.send(PROXY, "127.0.0.1", port, "POST", "/console/password-reset?lang=en",
                "login=nobody-at-all&_csrf=" + URLEncoder.encode(session[1], StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded",
                Map.of("X-Forwarded-For", visitor, "Cookie", session[0]));
    }

    /** Every spelling of an anonymous path that a client might try, with the method and body it takes. */
    static Stream<String[]> spellings() {
        String token = bogusToken();
        return Stream.of(
                new String[]{"POST", "/api/registrations", "{}"},
                new String[]{"POST", "/api/regi%73trations", "{}"},
                new String[]{"POST", "/api/%72%65gistrations", "{}"},
                new String[]{"POST", "/%61pi/registrations", "{}"},
                new String[]{"POST", "//api/registrations", "{}"},
                new String[]{"POST", "/api//registrations", "{}"},
                new String[]{"POST", "/api/registrations/", "{}"},
                new String[]{"POST", "/api/registrations;x=1", "{}"},
                new String[]{"POST", "/api;x=1/registrations", "{}"},
                new String[]{"POST", "/api/./registrations", "{}"},
                new String[]{"POST", "/api/x/../registrations", "{}"},
                new String[]{"POST", "/API/registrations", "{}"},
                new String[]{"POST", "/api/Registrations", "{}"},
                new String[]{"GET", "/api/account-setup/" + token, null},
                new String[]{"GET", "/api/account-%73etup/" + token, null},
                new String[]{"GET", "/api/account-setup;a=b/" + token, null},
                new String[]{"POST", "/api/password-resets", "{\"login\": \"nobody\"}"},
                new String[]{"POST", "/api/password-re%73ets", "{\"login\": \"nobody\"}"},
                new String[]{"GET", "/api/password-resets/" + token, null},
                new String[]{"POST", "/api/password-resets/" + token, "{\"password\": \"whatever it is\"}"},
                new String[]{"GET", "/api/dev/token?username=admin", null},
                new String[]{"GET", "/api/dev/%74oken?username=admin", null},
                new String[]{"GET", "/api/dev/toke%6E?username=admin", null});
    }

    /** Answers that never reached an anonymous endpoint's controller: refused before routing, or routed nowhere. */
    private static boolean refusedBeforeTheEndpoint(RawHttp.Answer answer) {
        return answer.status() == 401
                || answer.body().contains("\"code\":\"request-rejected\"")
                || answer.body().contains("\"code\":\"not-found\"") && !answer.body().contains("invalid-invitation");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("spellings")
    void R_REG_4_every_spelling_of_an_anonymous_path_meets_the_same_rate_limit(String method, String path, String body)
            throws IOException {
        String client = randomAddress();
        long started = System.nanoTime();
        List<RawHttp.Answer> answers = new ArrayList<>();
        for (int i = 0; i < LIMIT + 10; i++) {
            answers.add(viaProxy(method, path, body, client));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        long reached = answers.stream().filter(a -> a.status() != 429 && !refusedBeforeTheEndpoint(a)).count();
        assertThat(reached).as("answers that reached the endpoint past the budget of " + LIMIT)
                .isLessThanOrEqualTo(LIMIT + (long) Math.ceil(seconds * LIMIT / 60.0) + 1);
        assertThat(answers).as("every answer is problem+json or the endpoint's own JSON")
                .allSatisfy(a -> assertThat(a.headers().get("content-type")).startsWith("application/"));
    }

    @Test
    void R_REG_4_a_client_past_its_budget_is_refused_under_every_spelling_that_reaches_an_endpoint() throws IOException {
        String client = randomAddress();
        long started = System.nanoTime();
        for (int i = 0; i < LIMIT; i++) {
            viaProxy("POST", "/api/registrations", "{}", client);
        }

        List<String> reached = new ArrayList<>();
        List<String[]> tries = new ArrayList<>(spellings().toList());
        // the encoded spellings that the router takes for the endpoints, once more at the end
        tries.add(new String[]{"POST", "/api/regi%73trations", "{}"});
        tries.add(new String[]{"GET", "/api/account-%73etup/" + bogusToken(), null});
        tries.add(new String[]{"GET", "/api/dev/%74oken?username=admin", null});
        tries.add(new String[]{"POST", "/api/registrations;x=1", "{}"});
        for (String[] spelling : tries) {
            RawHttp.Answer answer = viaProxy(spelling[0], spelling[1], spelling[2], client);
            if (answer.status() != 429 && !refusedBeforeTheEndpoint(answer)) {
                reached.add(spelling[0] + " " + spelling[1]);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // past the budget only what the bucket refilled meanwhile gets through, whatever the spelling
        assertThat(reached).as("spellings that reached an endpoint in %.1f s past the budget", seconds)
                .hasSizeLessThanOrEqualTo((int) Math.ceil(seconds * LIMIT / 60.0) + 1);
    }

    @Test
    void a_pending_registration_expires_with_an_event_when_nobody_decides() throws IOException {
        assertThat(api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": true, "registrationWorkflowEnabled": true}""")
                .token(admin).send().status()).isEqualTo(200);
        String username = "expiring-" + ThreadLocalRandom.current().nextInt(1_000_000);
        RawHttp.Answer received = viaProxy("POST", "/api/registrations", """
                {"username": "%s", "email": "%s@visitor.example", "firstName": "Eve", "lastName": "Expiring",
                 "organizationName": "Expiring %s", "termsAccepted": true}""".formatted(username, username, username),
                randomAddress());
        assertThat(received.status()).as(received.body()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> "EXPIRED".equals(jdbc.sql(
                        "select status from registration_view where username = ?").param(username)
                .query(String.class).optional().orElse(null)));
        assertThat(jdbc.sql("""
                        select count(*) from domainevententry e join registration_view r
                          on e.aggregateidentifier = r.registration_id::text
                        where r.username = ? and e.payloadtype like '%RegistrationExpired'""")
                .param(username).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from organization_lookup where name_key = lower(?)")
                .param("Expiring " + username).query(Long.class).single()).isZero();
        // the registrant was told twice, by the embedded default's mail folder: received, then expired
        await().atMost(Duration.ofSeconds(20)).until(() -> emailsTo(username + "@visitor.example").size() == 2);
        assertThat(emailsTo(username + "@visitor.example")).anySatisfy(email -> assertThat(email)
                .contains("Subject: Your registration request expired").contains("Expiring " + username));
    }

    @Value("${portal.embedded.data-dir}")
    String dataDir;

    /** The .eml files the embedded default wrote for {@code address}. */
    private List<String> emailsTo(String address) throws IOException {
        Path folder = Path.of(dataDir, "mail");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> emails = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
                String email = Files.readString(file);
                if (email.contains("To: " + address)) {
                    emails.add(email);
                }
            }
        }
        return emails;
    }

    /** One request over a socket bound to the trusted proxy's address, which forwards for {@code forwardedFor}. */
    private RawHttp.Answer viaProxy(String method, String path, String json, String forwardedFor) throws IOException {
        return RawHttp.send(PROXY, port, method, path, json, Map.of("X-Forwarded-For", forwardedFor));
    }
}
