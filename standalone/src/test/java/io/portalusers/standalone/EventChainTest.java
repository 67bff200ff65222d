package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.platform.chain.ChainVerifier;
import io.portalusers.platform.chain.EventChain;
import io.portalusers.platform.chain.EventSealer;
import io.portalusers.platform.chain.VerifyChain;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event log's hash chain: events created through the API are sealed by the periodic task
 * once settled (1 s here), verification finds the chain intact, and then finds each kind of
 * tampering done straight in PostgreSQL, naming the exact event: a payload changed, metadata
 * changed, a row deleted, two rows' payloads swapped, a row inserted at an index inside the
 * sealed range (one left free as a rolled-back append leaves it). Each case is undone before
 * the next, and the chain is intact again at the end. Also: the command-line verifier, two
 * sealers at once, and a sealer run again after another.
 */
class EventChainTest extends OwnContextTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "event-chain");
        registry.add("portal.audit.chain.settle", () -> "1s");
        registry.add("portal.audit.chain.interval", () -> "200ms");
    }

    @Autowired
    private EventChain chain;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private MeterRegistry meters;

    @Test
    void verification_finds_every_kind_of_tampering_and_names_the_event() throws Exception {
        String admin = adminToken();
        List<String> users = new ArrayList<>();
        users.add(createUser(admin));
        users.add(createUser(admin));
        // an index taken and never committed, as a rolled-back append leaves one: a gap in the chain
        long free = jdbc.sql("select nextval('domainevententry_globalindex_seq')").query(Long.class).single();
        users.add(createUser(admin));
        users.add(createUser(admin));
        long last = awaitSealed();
        assertThat(last).isGreaterThan(free);

        // intact, over the API, for a Portal Admin and an audit:read client
        JsonNode intact = verify(admin, "");
        assertThat(intact.get("intact").asBoolean()).as(intact.toString()).isTrue();
        long events = jdbc.sql("select count(*) from domainevententry").query(Long.class).single();
        assertThat(intact.get("eventsVerified").asLong()).isEqualTo(events);
        assertThat(intact.get("verifiedThrough").asLong()).isEqualTo(last);
        String auditor = tokens.issueForClient("reporting", "audit:read").token();
        JsonNode head = api().get("/api/audit/chain").token(auditor).send().json();
        assertThat(head.get("headIndex").asLong()).isEqualTo(last);
        assertThat(head.get("headHash").asText()).isEqualTo(intact.get("headHash").asText()).hasSize(64);
        assertThat(head.get("sealed").asLong()).isEqualTo(events);
        assertThat(verify(auditor, "").get("intact").asBoolean()).isTrue();
        assertThat(meters.get("portal.audit.chain.head").gauge().value()).isEqualTo(last);
        assertThat(chain.health().getStatus()).isEqualTo(Status.UP);
        assertThat(chain.health().getDetails()).containsEntry("headIndex", last);

        // verification from a kept index and hash, and a check of a kept head
        Map<String, Object> second = row("select globalindex, eventidentifier from domainevententry order by globalindex offset 1 limit 1");
        long secondIndex = (Long) second.get("globalindex");
        String secondHash = sealHash(secondIndex);
        JsonNode fromKept = verify(admin, "?from=" + secondIndex + "&hash=" + secondHash + "&check=" + last + ":"
                + head.get("headHash").asText());
        assertThat(fromKept.get("intact").asBoolean()).as(fromKept.toString()).isTrue();
        assertThat(fromKept.get("eventsVerified").asLong()).isEqualTo(events - 2);
        JsonNode otherKept = verify(admin, "?check=" + secondIndex + ":" + "ab".repeat(32));
        assertMismatch(otherKept, "CHAIN_REWRITTEN", secondIndex, (String) second.get("eventidentifier"));

        // (a) one payload changed
        Map<String, Object> target = event(users.get(1), 0);
        long index = (Long) target.get("globalindex");
        // a fact in clear (the names are stored encrypted): the account's source
        assertThat(jdbc.sql("update domainevententry set payload = convert_to(replace(convert_from(payload, 'UTF8'), '\"source\":\"PORTAL\"', '\"source\":\"IDP\"'), 'UTF8') where globalindex = ?")
                .param(index).update()).isEqualTo(1);
        assertThat(jdbc.sql("select strpos(convert_from(payload, 'UTF8'), '\"source\":\"IDP\"') > 0 from domainevententry where globalindex = ?")
                .param(index).query(Boolean.class).single()).isTrue();
        assertMismatch(verify(admin, ""), "PAYLOAD_CHANGED", index, target);
        // the command line finds it too, straight from the database
        String url;
        try (Connection connection = dataSource.getConnection()) {
            url = connection.getMetaData().getURL();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = VerifyChain.run(new String[] {"--url=" + url, "--user=postgres"}, null,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("intact: false", "mismatch: PAYLOAD_CHANGED",
                "globalIndex: " + index, "eventIdentifier: " + target.get("eventidentifier"));
        restore(target);

        // metadata changed
        jdbc.sql("update domainevententry set metadata = convert_to('{}', 'UTF8') where globalindex = ?").param(index).update();
        assertMismatch(verify(admin, ""), "METADATA_CHANGED", index, target);
        restore(target);

        // (b) one row deleted
        Map<String, Object> deleted = event(users.get(2), 0);
        long deletedIndex = (Long) deleted.get("globalindex");
        jdbc.sql("delete from domainevententry where globalindex = ?").param(deletedIndex).update();
        JsonNode gone = verify(admin, "");
        assertThat(gone.get("firstMismatch").get("kind").asText()).isEqualTo("ROW_DELETED");
        assertThat(gone.get("firstMismatch").get("globalIndex").asLong()).isEqualTo(deletedIndex);
        assertThat(gone.get("firstMismatch").get("eventIdentifier").asText()).isEqualTo(deleted.get("eventidentifier"));
        insert(deleted);

        // (c) two rows' payloads swapped: found at the first, naming the second
        Map<String, Object> other = event(users.get(3), 0);
        long otherIndex = (Long) other.get("globalindex");
        jdbc.sql("""
                update domainevententry e set payload = o.payload from domainevententry o
                where (e.globalindex, o.globalindex) in ((:a, :b), (:b, :a))""")
                .param("a", index).param("b", otherIndex).update();
        JsonNode swapped = verify(admin, "");
        assertMismatch(swapped, "ROWS_SWAPPED", index, target);
        assertThat(swapped.get("firstMismatch").get("detail").asText()).contains("index " + otherIndex);
        restore(target);
        restore(other);

        // (d) a row inserted at an index inside the sealed range (the free one)
        Map<String, Object> forged = new java.util.HashMap<>(target);
        forged.put("globalindex", free);
        forged.put("eventidentifier", UUID.randomUUID().toString());
        forged.put("sequencenumber", 99L);
        insert(forged);
        assertMismatch(verify(admin, ""), "ROW_INSERTED", free, forged);
        jdbc.sql("delete from domainevententry where globalindex = ?").param(free).update();

        // all undone: intact again, and the command line says so
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
        out.reset();
        assertThat(VerifyChain.run(new String[] {"--url=" + url, "--user=postgres"}, null,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("intact: true", "headIndex: " + last);

        // an Org Admin or a Developer does not read the chain
        assertThat(api().get("/api/audit/chain").token(tokens.issue(io.portalusers.api.UserId.of(users.get(0))).token())
                .send().status()).isEqualTo(403);
    }

    @Test
    void two_sealers_at_once_seal_each_event_once_and_a_second_run_changes_nothing() throws Exception {
        String admin = adminToken();
        awaitSealed();
        for (int i = 0; i < 4; i++) {
            createUser(admin);
        }
        // two more sealers beside the periodic one, in batches of 1, started together
        CountDownLatch start = new CountDownLatch(2);
        List<CompletableFuture<Long>> sealers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            EventSealer sealer = new EventSealer(dataSource, Duration.ZERO, 1, 0, Clock.systemUTC());
            sealers.add(CompletableFuture.supplyAsync(() -> {
                start.countDown();
                try {
                    start.await();
                    long sealed = 0;
                    for (int round = 0; round < 20; round++) {
                        sealed += sealer.sealSettled();
                    }
                    return sealed;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<Long> sealer : sealers) {
            sealer.get();
        }
        long last = awaitSealed();
        long events = jdbc.sql("select count(*) from domainevententry").query(Long.class).single();
        assertThat(jdbc.sql("select count(*) from event_seal").query(Long.class).single()).isEqualTo(events);
        assertThat(jdbc.sql("select sealed from event_seal_head").query(Long.class).single()).isEqualTo(events);
        // a sealer run again (as after a crash or a restart) goes on from the head: nothing left to seal
        String hash = sealHash(last);
        assertThat(new EventSealer(dataSource, Duration.ZERO, 1000, 0, Clock.systemUTC()).sealSettled()).isZero();
        assertThat(jdbc.sql("select encode(hash, 'hex') from event_seal_head").query(String.class).single()).isEqualTo(hash);
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
    }

    private String createUser(String admin) {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api().post("/api/users", """
                {"username": "chain-%s", "email": "chain-%s@example.com", "firstName": "Chain", "lastName": "Link",
                 "role": "API_OWNER", "notify": false}""".formatted(unique, unique)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    /** Waits until every event is sealed; the head's index. */
    private long awaitSealed() {
        long last = jdbc.sql("select max(globalindex) from domainevententry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                jdbc.sql("select global_index from event_seal_head").query(Long.class).single() >= last);
        return last;
    }

    private JsonNode verify(String token, String query) {
        Api.Response response = api().get("/api/audit/chain/verify" + query).token(token).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static void assertMismatch(JsonNode report, String kind, long index, Map<String, Object> event) {
        assertMismatch(report, kind, index, (String) event.get("eventidentifier"));
        JsonNode mismatch = report.get("firstMismatch");
        assertThat(mismatch.get("aggregateIdentifier").asText()).isEqualTo(event.get("aggregateidentifier"));
        assertThat(mismatch.get("sequenceNumber").asLong()).isEqualTo(event.get("sequencenumber"));
    }

    private static void assertMismatch(JsonNode report, String kind, long index, String eventId) {
        assertThat(report.get("intact").asBoolean()).as(report.toString()).isFalse();
        JsonNode mismatch = report.get("firstMismatch");
        assertThat(mismatch.get("kind").asText()).as(report.toString()).isEqualTo(kind);
        assertThat(mismatch.get("globalIndex").asLong()).isEqualTo(index);
        assertThat(mismatch.get("eventIdentifier").asText()).isEqualTo(eventId);
    }

    private Map<String, Object> event(String aggregate, long sequence) {
        return row("select * from domainevententry where aggregateidentifier = '" + aggregate
                + "' and sequencenumber = " + sequence);
    }

    private Map<String, Object> row(String sql) {
        return jdbc.sql(sql).query().singleRow();
    }

    private String sealHash(long index) {
        return jdbc.sql("select encode(hash, 'hex') from event_seal where global_index = ?").param(index)
                .query(String.class).single();
    }

    /** Puts the row back as it was read. */
    private void restore(Map<String, Object> row) {
        jdbc.sql("update domainevententry set payload = ?, metadata = ? where globalindex = ?")
                .params(row.get("payload"), row.get("metadata"), row.get("globalindex")).update();
    }

    private void insert(Map<String, Object> row) {
        jdbc.sql("""
                insert into domainevententry (globalindex, aggregateidentifier, sequencenumber, type, eventidentifier,
                                              metadata, payload, payloadrevision, payloadtype, timestamp)
                values (:globalindex, :aggregateidentifier, :sequencenumber, :type, :eventidentifier, :metadata, :payload,
                        :payloadrevision, :payloadtype, :timestamp)""")
                .params(row).update();
    }
}
