package io.portalusers.standalone;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.organization.CreateOrganization;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.user.Role;
import io.portalusers.platform.web.idempotency.IdempotencyKeyFilter;
import io.portalusers.platform.web.idempotency.IdempotencyKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Idempotency-Key on POST: at most one effect per caller and key, and the first answer again on a repeat. */
class IdempotencyKeyApiTest extends ApiTest {

    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";

    @Autowired
    private IdempotencyKeys keys;
    @Autowired
    private IdempotencyKeyFilter filter;
    @Autowired
    private CommandGateway commands;
    @Value("${portal.bootstrap-admin.id}")
    private String adminId;

    @AfterEach
    void forgetTheCaller() {
        SecurityContextHolder.clearContext();
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }

    private static String unique(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private Api.Response create(String token, String key, String name) {
        return api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "Gold"}""".formatted(name)).token(token).header(KEY, key).send();
    }

    private long organizationsNamed(String name) {
        return jdbc.sql("""
                        select count(*) from domainevententry
                        where payloadtype = 'io.portalusers.api.organization.OrganizationCreated'
                          and lower(convert_from(payload, 'UTF8')::jsonb ->> 'name') = lower(?)""")
                .param(name).query(Long.class).single();
    }

    private long records(String key) {
        return jdbc.sql("select count(*) from idempotency_key where idempotency_key = ?")
                .param(key).query(Long.class).single();
    }

    /** Makes the key's record older than the default retention (24 h). */
    private void expire(String key) {
        jdbc.sql("update idempotency_key set created_at = now() - interval '24 hours 1 second' where idempotency_key = ?")
                .param(key).update();
    }

    private static void assertReplayOf(Api.Response first, Api.Response again) {
        assertThat(again.status()).isEqualTo(first.status());
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.header("ETag")).isEqualTo(first.header("ETag"));
        assertThat(again.contentType()).isEqualTo(first.contentType());
        assertThat(again.header(REPLAYED)).contains("true");
    }

    @Test
    void a_repeat_with_the_same_key_gets_the_first_answer_and_appends_no_event() {
        String key = newKey();
        String name = unique("Acme");
        long events = eventCount();

        Api.Response first = create(admin, key, name);
        Api.Response again = create(admin, key, name);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header(REPLAYED)).isEmpty();
        assertReplayOf(first, again);
        assertThat(again.header("Location")).contains("/api/organizations/" + first.json().get("id").asText());
        assertThat(eventCount()).isEqualTo(events + 1);
        assertThat(eventCount(first.json().get("id").asText())).isEqualTo(1);
    }

    /**
     * A kept answer may hold what is shown only once (a webhook's signing secret): it is kept
     * sealed, and a body kept in clear before is still replayed as it is.
     */
    @Test
    void an_answer_is_kept_sealed_and_one_kept_in_clear_before_is_still_replayed() {
        String key = newKey();
        String name = unique("Sealed");
        Api.Response first = create(admin, key, name);
        assertThat(first.status()).isEqualTo(201);
        String id = first.json().get("id").asText();
        byte[] stored = jdbc.sql("select body from idempotency_key where idempotency_key = ?").param(key)
                .query(byte[].class).single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(id).doesNotContain("version");
        assertReplayOf(first, create(admin, key, name));

        jdbc.sql("update idempotency_key set body = ? where idempotency_key = ?")
                .params(first.body().getBytes(StandardCharsets.UTF_8), key).update();
        assertReplayOf(first, create(admin, key, name));
    }

    @Test
    void the_same_key_with_another_body_is_refused_as_reused() {
        String key = newKey();
        String other = unique("Globex");
        assertThat(create(admin, key, unique("Initech")).status()).isEqualTo(201);
        long events = eventCount();

        Api.Response reused = create(admin, key, other);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.contentType()).startsWith("application/problem+json");
        assertThat(reused.json().get("code").asText()).isEqualTo("idempotency-key-reused");
        assertThat(reused.header(REPLAYED)).isEmpty();
        assertThat(eventCount()).isEqualTo(events);
        assertThat(organizationsNamed(other)).isZero();
    }

    @Test
    void twenty_concurrent_requests_with_one_key_execute_once() throws Exception {
        String key = newKey();
        String name = unique("Hooli");
        int callers = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<Api.Response>> pending = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            pending.add(pool.submit(() -> {
                start.await();
                return create(admin, key, name);
            }));
        }
        start.countDown();
        List<Api.Response> responses = new ArrayList<>();
        for (Future<Api.Response> response : pending) {
            responses.add(response.get());
        }
        pool.shutdown();

        assertThat(organizationsNamed(name)).isEqualTo(1);
        List<Api.Response> created = responses.stream().filter(r -> r.status() == 201).toList();
        List<Api.Response> inProgress = responses.stream().filter(r -> r.status() != 201).toList();
        assertThat(created).filteredOn(r -> r.header(REPLAYED).isEmpty()).hasSize(1);
        assertThat(created).extracting(Api.Response::body).containsOnly(created.get(0).body());
        assertThat(created).extracting(r -> r.header("Location")).containsOnly(created.get(0).header("Location"));
        assertThat(inProgress).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("code").asText()).isEqualTo("idempotency-key-in-progress");
            assertThat(r.header("Retry-After")).contains("1");
        });
        Api.Response later = create(admin, key, name);
        assertThat(later.status()).isEqualTo(201);
        assertThat(later.body()).isEqualTo(created.get(0).body());
    }

    @Test
    void R_ORG_1_a_refused_request_is_replayed_as_the_same_refusal() {
        String name = unique("Umbrella");
        assertThat(create(admin, newKey(), name).status()).isEqualTo(201);
        String key = newKey();
        long events = eventCount();

        Api.Response refused = create(admin, key, name.toUpperCase(Locale.ROOT));
        Api.Response again = create(admin, key, name.toUpperCase(Locale.ROOT));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-ORG-1");
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertReplayOf(refused, again);
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void keys_belong_to_their_caller() {
        String key = newKey();
        String otherAdmin = tokenFor(givenUser(Role.PORTAL_ADMIN));
        Api.Response mine = create(admin, key, unique("Mine"));

        Api.Response theirs = create(otherAdmin, key, unique("Theirs"));
        Api.Response theirsAgain = create(otherAdmin, key, unique("Theirs again"));

        assertThat(mine.status()).isEqualTo(201);
        assertThat(theirs.status()).isEqualTo(201);
        assertThat(theirs.header(REPLAYED)).isEmpty();
        assertThat(theirs.json().get("id").asText()).isNotEqualTo(mine.json().get("id").asText());
        assertThat(theirsAgain.status()).isEqualTo(422);
        assertThat(records(key)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "tab\tinside"})
    void a_key_that_is_not_1_to_255_visible_ascii_characters_is_a_bad_request(String key) {
        long events = eventCount();

        Api.Response response = create(admin, key, unique("Bad key"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("invalid-request");
        assertThat(response.json().at("/errors/0/field").asText()).isEqualTo(KEY);
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void a_key_of_256_characters_is_a_bad_request_and_one_of_255_is_taken() {
        assertThat(create(admin, "k".repeat(256), unique("Too long")).status()).isEqualTo(400);

        String longest = "!~" + "k".repeat(253);
        assertThat(create(admin, longest, unique("Longest")).status()).isEqualTo(201);
        assertThat(records(longest)).isEqualTo(1);
    }

    @Test
    void without_the_header_nothing_is_recorded() {
        long recorded = jdbc.sql("select count(*) from idempotency_key").query(Long.class).single();

        Api.Response created = api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "Gold"}""".formatted(unique("Plain"))).token(admin).send();

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header(REPLAYED)).isEmpty();
        assertThat(jdbc.sql("select count(*) from idempotency_key").query(Long.class).single()).isEqualTo(recorded);
    }

    @Test
    void only_post_is_idempotent_a_put_with_the_header_runs_each_time() {
        String key = newKey();
        String id = create(admin, newKey(), unique("Pied Piper")).json().get("id").asText();

        Api.Response platinum = api.put("/api/organizations/" + id + "/plan", """
                {"accountPlan": "Platinum"}""").token(admin).header(KEY, key).send();
        Api.Response bronze = api.put("/api/organizations/" + id + "/plan", """
                {"accountPlan": "Bronze"}""").token(admin).header(KEY, key).send();

        assertThat(platinum.header("ETag")).contains("\"1\"");
        assertThat(bronze.status()).isEqualTo(200);
        assertThat(bronze.header("ETag")).contains("\"2\"");
        assertThat(bronze.header(REPLAYED)).isEmpty();
        assertThat(records(key)).isZero();
    }

    @Test
    void an_expired_record_is_not_replayed_and_the_purge_deletes_it() {
        String name = unique("Expired");
        String expired = newKey();
        String fresh = newKey();
        assertThat(create(admin, expired, name).status()).isEqualTo(201);
        assertThat(create(admin, fresh, unique("Fresh")).status()).isEqualTo(201);
        expire(expired);

        Api.Response afterExpiry = create(admin, expired, name);

        assertThat(afterExpiry.status()).as("run again, so refused by R-ORG-1").isEqualTo(409);
        assertThat(afterExpiry.header(REPLAYED)).isEmpty();
        expire(expired);

        assertThat(keys.purgeExpired(Instant.now())).isGreaterThanOrEqualTo(1);
        assertThat(records(expired)).isZero();
        assertThat(records(fresh)).isEqualTo(1);
    }

    @Test
    void the_purge_is_scheduled_in_the_database() {
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                        "select count(*) from scheduled_tasks where task_name = 'idempotency-key-purge'")
                .query(Long.class).single() == 1);
    }

    /** The filter itself, with a stand-in endpoint: no real endpoint fails with a 5xx on demand. */
    @Test
    void a_5xx_is_rolled_back_whole_events_included_and_not_recorded_so_that_the_retry_runs() throws Exception {
        actAsTheAdmin();
        String key = newKey();
        OrganizationId organization = OrganizationId.random();
        AtomicInteger runs = new AtomicInteger();

        MockHttpServletResponse failed = post(key, (request, response) -> {
            runs.incrementAndGet();
            commands.sendAndWait(new CreateOrganization(organization, OrganizationName.of(unique("Rolled back")),
                    AccountPlan.of("Gold")));
            ((HttpServletResponse) response).setStatus(503);
        });
        assertThat(eventCount(organization.toString())).isZero();
        assertThat(records(key)).isZero();

        MockHttpServletResponse succeeded = post(key, (request, response) -> {
            runs.incrementAndGet();
            ((HttpServletResponse) response).setStatus(201);
            response.getOutputStream().write("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        MockHttpServletResponse replayed = post(key, (request, response) -> runs.incrementAndGet());

        assertThat(failed.getStatus()).isEqualTo(503);
        assertThat(succeeded.getStatus()).isEqualTo(201);
        assertThat(replayed.getStatus()).isEqualTo(201);
        assertThat(replayed.getContentAsString()).isEqualTo("{\"ok\":true}");
        assertThat(replayed.getHeader(REPLAYED)).isEqualTo("true");
        assertThat(runs).hasValue(2);
    }

    @Test
    void a_4xx_is_recorded_but_what_the_refused_request_wrote_is_undone() throws Exception {
        actAsTheAdmin();
        String key = newKey();
        String written = UUID.randomUUID().toString();

        MockHttpServletResponse refused = post(key, (request, response) -> {
            writeAnOrganizationLookup(written);
            ((HttpServletResponse) response).setStatus(409);
        });

        assertThat(refused.getStatus()).isEqualTo(409);
        assertThat(lookupExists(written)).isFalse();
        assertThat(records(key)).isEqualTo(1);
    }

    /** Through the filter itself: an HTTP client cannot send these bytes as they are. */
    @ParameterizedTest
    @ValueSource(strings = {"clé", "nul\u0000", "line\nbreak"})
    void a_key_beyond_visible_ascii_is_a_bad_request(String key) throws Exception {
        actAsTheAdmin();
        AtomicInteger runs = new AtomicInteger();

        MockHttpServletResponse response = post(key, (request, ignored) -> runs.incrementAndGet());

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"field\":\"Idempotency-Key\"");
        assertThat(runs).hasValue(0);
    }

    private void actAsTheAdmin() {
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(adminId, null, List.of()));
    }

    private MockHttpServletResponse post(String key, FilterChain endpoint) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/stand-in");
        request.addHeader(KEY, key);
        request.setContent("{}".getBytes(StandardCharsets.UTF_8));
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, endpoint);
        return response;
    }

    private void writeAnOrganizationLookup(String name) {
        jdbc.sql("insert into organization_lookup (organization_id, name_key) values (?, ?)")
                .params(UUID.randomUUID(), name).update();
    }

    private boolean lookupExists(String name) {
        return jdbc.sql("select count(*) from organization_lookup where name_key = ?")
                .param(name).query(Long.class).single() > 0;
    }
}
