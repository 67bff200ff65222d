package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.platform.privacy.LegacyEventEncryption;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events written before personal data was encrypted: a populated log (events in plaintext, as
 * the version before wrote them, among encrypted ones, all sealed) is migrated in place, in a
 * recorded re-seal epoch after which the chain verifies again, and its people can then be erased.
 */
class LegacyEventEncryptionTest extends OwnContextTest {

    private static final ObjectMapper PLAIN = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Autowired
    private LegacyEventEncryption migration;

    @DynamicPropertySource
    static void legacyDatabase(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "legacy-encryption");
        registry.add("portal.audit.chain.settle", () -> "1s");
    }

    @Test
    void plaintext_events_are_encrypted_in_a_recorded_re_seal_epoch_and_their_person_can_be_erased() throws Exception {
        String admin = adminToken();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api().post("/api/users", """
                {"username": "new-%s", "email": "new-%s@example.com", "firstName": "Nina", "lastName": "New",
                 "role": "API_OWNER", "notify": false}""".formatted(unique, unique)).token(admin).send();
        assertThat(created.status()).isEqualTo(201);
        UserId lena = UserId.random();
        String email = "lena-" + unique + "@example.com";
        plaintextEvent(lena, 0, new UserCreated(lena, Username.of("lena-" + unique), EmailAddress.of(email),
                new PersonName("Lena", "Legacy"), Language.ENGLISH, Role.API_OWNER, List.of(), UserSource.PORTAL, null, false));
        plaintextEvent(lena, 1, new UserNameChanged(lena, new PersonName("Lena", "Older")));
        plaintextEvent(lena, 2, new UserDisabled(lena));
        long first = jdbc.sql("select min(globalindex) from domainevententry where aggregateidentifier = ?")
                .param(lena.toString()).query(Long.class).single();
        long head = awaitSealed();
        String headHash = headHash();
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
        // the version that encrypts starts on this log: its migration has not run yet
        jdbc.sql("delete from legacy_event_encryption").update();

        assertThat(migration.encryptLegacyEvents()).isEqualTo(2);

        assertThat(payloads(lena)).allSatisfy(p -> assertThat(p).doesNotContain(email).doesNotContain("Lena"));
        assertThat(payloads(lena).get(0)).contains("$encrypted");
        var epoch = jdbc.sql("select from_index, previous_head_index, encode(previous_head_hash, 'hex') as hash,"
                + " rewritten from event_chain_epoch").query().singleRow();
        assertThat(epoch.get("from_index")).isEqualTo(first);
        assertThat(epoch.get("previous_head_index")).isEqualTo(head);
        assertThat(epoch.get("hash")).isEqualTo(headHash);
        assertThat(epoch.get("rewritten")).isEqualTo(2L);
        // sealed again from the unchanged seal before the epoch: intact, and a hash kept from before no longer checks
        awaitSealed();
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
        JsonNode old = verify(admin, "?check=" + head + ":" + headHash);
        assertThat(old.get("intact").asBoolean()).isFalse();
        assertThat(old.get("firstMismatch").get("kind").asText()).isEqualTo("CHAIN_REWRITTEN");

        // readers decrypt the migrated events
        String history = api().get("/api/users/" + lena + "/history").token(admin).send().body();
        assertThat(history).contains(email).contains("Older");

        // a second run finds nothing to do, even when asked to look again
        assertThat(migration.encryptLegacyEvents()).isZero();
        jdbc.sql("delete from legacy_event_encryption").update();
        assertThat(migration.encryptLegacyEvents()).isZero();
        assertThat(jdbc.sql("select count(*) from event_chain_epoch").query(Long.class).single()).isEqualTo(1);

        // the migrated person can be erased like any other, and the chain stays intact
        Api.Response erased = api().post("/api/users/" + lena + "/erase", "{\"reason\": \"retention ended\"}")
                .token(admin).send();
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String after = api().get("/api/users/" + lena + "/history").token(admin).send().body();
        assertThat(after).doesNotContain(email).doesNotContain("Lena").contains("[erased]");
        awaitSealed();
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
    }

    /** An event as the version before stored it: its payload in plaintext. */
    private void plaintextEvent(UserId user, long sequence, Object event) throws Exception {
        jdbc.sql("""
                        insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,
                                                      metadata, payload, payloadrevision, payloadtype, timestamp)
                        values (?, ?, 'User', ?, convert_to('{}', 'UTF8'), ?, null, ?, ?)""")
                .params(user.toString(), sequence, UUID.randomUUID().toString(), PLAIN.writeValueAsBytes(event),
                        event.getClass().getName(), DateTimeUtils.formatInstant(Instant.now()))
                .update();
    }

    private List<String> payloads(UserId user) {
        return jdbc.sql("select payload from domainevententry where aggregateidentifier = ? order by sequencenumber")
                .param(user.toString()).query((rs, n) -> new String(rs.getBytes(1), StandardCharsets.UTF_8)).list();
    }

    private long awaitSealed() {
        long last = jdbc.sql("select max(globalindex) from domainevententry").query(Long.class).single();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                jdbc.sql("select global_index from event_seal_head").query(Long.class).single() >= last);
        return last;
    }

    private String headHash() {
        return jdbc.sql("select encode(hash, 'hex') from event_seal_head").query(String.class).single();
    }

    private JsonNode verify(String token, String query) {
        Api.Response response = api().get("/api/audit/chain/verify" + query).token(token).send();
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
