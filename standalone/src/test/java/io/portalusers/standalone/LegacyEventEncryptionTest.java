package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.organization.OrganizationCreated;
import io.portalusers.api.organization.OrganizationName;
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
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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

    private static final SecureRandom RANDOM = new SecureRandom();

    @Autowired
    private LegacyEventEncryption migration;
    @Value("${portal.embedded.data-dir}")
    private String dataDir;

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
        assertThat(payloads(lena).get(0)).contains("\"$personal\":").doesNotContain("$encrypted");
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

    @Test
    void reasons_in_clear_of_events_written_before_reasons_were_sealed_are_sealed_in_place_and_erased_with_their_person()
            throws Exception {
        String admin = adminToken();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        UserId rita = UserId.random();
        String reason = "Rita Reason-" + unique + " asked to be disabled";
        plaintextEvent(rita, 0, new UserCreated(rita, Username.of("rita-" + unique),
                EmailAddress.of("rita-" + unique + "@example.com"), new PersonName("Rita", "Reason"), Language.ENGLISH,
                Role.API_OWNER, List.of(), UserSource.PORTAL, null, false));
        plaintextEvent("User", rita.toString(), 1, new UserDisabled(rita),
                Map.of(RequestMetadata.ACTOR_ID, "00000000-0000-4000-8000-000000000001", RequestMetadata.REASON, reason));
        // an event about no one (an organization's): its reason is not personal data and stays as given
        OrganizationId organization = OrganizationId.random();
        String organizationReason = "new partner " + unique;
        plaintextEvent("Organization", organization.toString(), 0, new OrganizationCreated(organization,
                OrganizationName.of("Partner " + unique), AccountPlan.of("Gold")), Map.of(RequestMetadata.REASON,
                organizationReason));
        long first = jdbc.sql("select globalindex from domainevententry where aggregateidentifier = ? and sequencenumber = 1")
                .param(rita.toString()).query(Long.class).single();
        awaitSealed();
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
        jdbc.sql("delete from legacy_event_encryption").update();
        jdbc.sql("delete from legacy_reason_sealing").update();
        long epochs = jdbc.sql("select count(*) from event_chain_epoch").query(Long.class).single();
        migration.encryptLegacyEvents();

        assertThat(migration.sealLegacyReasons()).isEqualTo(1);

        assertThat(metadata(rita.toString(), 1)).doesNotContain(reason).doesNotContain("Rita").contains("$personal");
        assertThat(metadata(organization.toString(), 0)).contains(organizationReason);
        assertThat(jdbc.sql("select count(*) from event_chain_epoch where from_index <= ?").param(first)
                .query(Long.class).single()).isGreaterThan(0);
        assertThat(jdbc.sql("select count(*) from event_chain_epoch").query(Long.class).single()).isGreaterThan(epochs);
        awaitSealed();
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
        assertThat(api().get("/api/users/" + rita + "/history").token(admin).send().body()).contains(reason);
        // done once: a second run finds nothing, even when asked to look again
        assertThat(migration.sealLegacyReasons()).isZero();
        jdbc.sql("delete from legacy_reason_sealing").update();
        assertThat(migration.sealLegacyReasons()).isZero();

        Api.Response erased = api().post("/api/users/" + rita + "/erase", "{\"reason\": \"retention ended\"}")
                .token(admin).send();
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(api().get("/api/users/" + rita + "/history").token(admin).send().body())
                .doesNotContain(reason).contains("[erased]");
        awaitSealed();
        assertThat(verify(admin, "").get("intact").asBoolean()).isTrue();
    }

    @Test
    void events_encrypted_field_by_field_as_the_version_before_wrote_them_are_read_and_erased() throws Exception {
        String admin = adminToken();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        UserId fred = UserId.random();
        String email = "fred-" + unique + "@example.com";
        SecretKey key = formerKey(fred);
        formerEvent(fred, 0, new UserCreated(fred, Username.of("fred-" + unique), EmailAddress.of(email),
                new PersonName("Fred", "Former"), Language.ENGLISH, Role.API_OWNER, List.of(), UserSource.PORTAL, null,
                false), key, "username", "email", "name");
        formerEvent(fred, 1, new UserNameChanged(fred, new PersonName("Fred", "Fielded")), key, "name");
        formerEvent(fred, 2, new UserDisabled(fred), key);
        assertThat(payloads(fred)).allSatisfy(p -> assertThat(p).doesNotContain(email).doesNotContain("Fred"));
        assertThat(payloads(fred).get(0)).contains("$encrypted");

        // read through the history, the projections (Axon's serializer) and the aggregate (the erase loads it)
        assertThat(api().get("/api/users/" + fred + "/history").token(admin).send().body())
                .contains(email).contains("Fielded");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api().get("/api/users/" + fred).token(admin).send().body()).contains(email).contains("Fielded"));
        Api.Response erased = api().post("/api/users/" + fred + "/erase", "{\"reason\": \"retention ended\"}")
                .token(admin).send();
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        String after = api().get("/api/users/" + fred + "/history").token(admin).send().body();
        assertThat(after).doesNotContain(email).doesNotContain("Fred").doesNotContain("Fielded").contains("[erased]");
        // the migration leaves them as they are: encrypted already
        jdbc.sql("delete from legacy_event_encryption").update();
        assertThat(migration.encryptLegacyEvents()).isZero();
    }

    /** A person's key as the service keeps it (wrapped by the master key of the data folder), made by the test. */
    private SecretKey formerKey(UserId user) throws Exception {
        byte[] master = Base64.getDecoder().decode(Files.readString(Path.of(dataDir, "personal-data-master.key")).strip());
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        jdbc.sql("insert into personal_data_key (subject, wrapped_key) values (?, ?)")
                .params(user.toString(), seal(new SecretKeySpec(master, "AES"), key, "personal-data-key:" + user))
                .update();
        return new SecretKeySpec(key, "AES");
    }

    /**
     * An event as the version before the sealed form stored it: each personal field replaced by
     * {@code {"$encrypted": Base64 of nonce, AES-GCM ciphertext and tag}}, bound to subject/field.
     */
    private void formerEvent(UserId user, long sequence, Object event, SecretKey key, String... personal)
            throws Exception {
        ObjectNode tree = PLAIN.valueToTree(event);
        for (String field : personal) {
            byte[] value = PLAIN.writeValueAsBytes(tree.get(field));
            tree.putObject(field).put("$encrypted",
                    Base64.getEncoder().encodeToString(seal(key, value, user + "/" + field)));
        }
        jdbc.sql("""
                        insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,
                                                      metadata, payload, payloadrevision, payloadtype, timestamp)
                        values (?, ?, 'User', ?, convert_to('{}', 'UTF8'), ?, null, ?, ?)""")
                .params(user.toString(), sequence, UUID.randomUUID().toString(), PLAIN.writeValueAsBytes(tree),
                        event.getClass().getName(), DateTimeUtils.formatInstant(Instant.now()))
                .update();
    }

    private static byte[] seal(SecretKey key, byte[] plaintext, String associatedData) throws Exception {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plaintext);
        byte[] out = new byte[nonce.length + sealed.length];
        System.arraycopy(nonce, 0, out, 0, nonce.length);
        System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
        return out;
    }

    /** An event as the version before stored it: its payload in plaintext. */
    private void plaintextEvent(UserId user, long sequence, Object event) throws Exception {
        plaintextEvent("User", user.toString(), sequence, event, Map.of());
    }

    /** An event as a version before stored it: its payload and its metadata (a reason, say) in plaintext. */
    private void plaintextEvent(String type, String aggregate, long sequence, Object event, Map<String, String> metadata)
            throws Exception {
        jdbc.sql("""
                        insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,
                                                      metadata, payload, payloadrevision, payloadtype, timestamp)
                        values (?, ?, ?, ?, ?, ?, null, ?, ?)""")
                .params(aggregate, sequence, type, UUID.randomUUID().toString(), PLAIN.writeValueAsBytes(metadata),
                        PLAIN.writeValueAsBytes(event), event.getClass().getName(),
                        DateTimeUtils.formatInstant(Instant.now()))
                .update();
    }

    private String metadata(String aggregate, long sequence) {
        return jdbc.sql("select metadata from domainevententry where aggregateidentifier = ? and sequencenumber = ?")
                .params(aggregate, sequence).query((rs, n) -> new String(rs.getBytes(1), StandardCharsets.UTF_8))
                .single();
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
