package io.portalusers.platform.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.platform.axon.RenamedEvents;
import io.portalusers.platform.chain.ChainHash;
import io.portalusers.platform.chain.ChainVerifier;
import io.portalusers.platform.chain.EventSealer;
import io.portalusers.platform.request.RequestMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-off migration of events written before personal data was encrypted: rewrites their
 * payloads with the personal fields encrypted (or, for a person erased meanwhile, as erased),
 * so that erasing such a person removes their data from the log too. An upcaster would have
 * decrypted nothing and left the plaintext in the log for good.
 *
 * <p>Rewriting a sealed row breaks the hash chain there, so it is done as a recorded re-seal
 * epoch ({@code event_chain_epoch}): first the chain is verified intact from the start (a log
 * that does not verify is not rewritten: a re-seal must not launder a tampered row), then, in
 * one transaction under the sealer's lock, the payloads are rewritten, the seals from the
 * first rewritten event on are dropped (the sealer makes them again from the unchanged seal
 * before it) and the epoch is recorded with the head it replaced. Runs at start-up on every
 * node until one has done it (legacy_event_encryption); the lock and the fields already
 * encrypted make a concurrent run find nothing to do. Nodes of the version before must be
 * stopped first: what they write afterwards stays in plaintext.
 */
@Component
public class LegacyEventEncryption implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LegacyEventEncryption.class);

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final PersonalDataCipher cipher;
    private final ObjectMapper json;
    private final boolean enabled;

    LegacyEventEncryption(DataSource dataSource, PlatformTransactionManager transactions, PersonalDataCipher cipher,
                          @Qualifier("defaultAxonObjectMapper") ObjectMapper json,
                          @Value("${portal.privacy.encrypt-legacy-events:true}") boolean enabled) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.transaction = new TransactionTemplate(transactions);
        this.cipher = cipher;
        this.json = json;
        this.enabled = enabled;
    }

    /**
     * Both rewrites a start may owe, with the whole chain verified once before them (each
     * rewrite keeps it verifiable: what it rewrites is sealed again in a recorded epoch), not
     * once per rewrite: on a log of millions of events that is a minute of start-up each.
     */
    @Override
    public void run(ApplicationArguments args) throws SQLException {
        if (!enabled) {
            return;
        }
        List<String> types = plaintextTypes();
        boolean reasons = clearReasons();
        if ((types.isEmpty() && !reasons) || !chainIntact(types.isEmpty()
                ? "Reasons given with commands before reasons were sealed"
                : "Events written before personal data was encrypted")) {
            return;
        }
        if (!types.isEmpty()) {
            encrypt(types);
        }
        if (reasons) {
            sealReasons();
        }
    }

    /** Rewrites every event with a personal field still in plaintext; how many. */
    public long encryptLegacyEvents() throws SQLException {
        List<String> types = plaintextTypes();
        if (types.isEmpty() || !chainIntact("Events written before personal data was encrypted")) {
            return 0;
        }
        return encrypt(types);
    }

    /**
     * Seals the reasons given with commands ({@code X-Reason}) that events about a person still
     * hold in clear in their metadata, written before reasons were sealed, under that person's
     * key (as erased for a person erased meanwhile), in a recorded re-seal epoch as the payloads
     * are; how many events. Reasons on events about no one stay as they are, as new ones do.
     */
    public long sealLegacyReasons() throws SQLException {
        if (!clearReasons() || !chainIntact("Reasons given with commands before reasons were sealed")) {
            return 0;
        }
        return sealReasons();
    }

    /** The stored types of events with personal data, when one of them is still in plaintext; else none, and done. */
    private List<String> plaintextTypes() {
        if (!jdbc.queryForList("select done_at from legacy_event_encryption").isEmpty()) {
            return List.of();
        }
        List<String> types = new ArrayList<>();
        for (String stored : jdbc.queryForList("select distinct payloadtype from domainevententry", String.class)) {
            if (PersonalDataCipher.hasPersonalData(classOf(stored))) {
                types.add(stored);
            }
        }
        if (types.isEmpty() || !anyPlaintext(types)) {
            done();
            return List.of();
        }
        return types;
    }

    /** Whether an event may still hold a reason in clear; when none does, that is recorded as done. */
    private boolean clearReasons() {
        if (!jdbc.queryForList("select done_at from legacy_reason_sealing").isEmpty()) {
            return false;
        }
        Boolean any = jdbc.query("select exists (select from domainevententry where position(? in metadata) > 0)",
                ps -> ps.setBytes(1, CLEAR_REASON), rs -> rs.next() && rs.getBoolean(1));
        if (!Boolean.TRUE.equals(any)) {
            reasonsDone();
        }
        return Boolean.TRUE.equals(any);
    }

    private long encrypt(List<String> types) {
        Long rewritten = transaction.execute(status -> rewrite(types));
        log.info("Encrypted the personal data of {} events written before encryption", rewritten);
        return rewritten == null ? 0 : rewritten;
    }

    /** How a reason in clear begins in the metadata Axon's Jackson serializer wrote (a sealed one is an object). */
    private static final byte[] CLEAR_REASON = ("\"" + RequestMetadata.REASON + "\":\"")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private long sealReasons() {
        Long sealed = transaction.execute(status -> sealReasonsInPlace());
        log.info("Sealed the reasons of {} events written before reasons were sealed", sealed);
        return sealed == null ? 0 : sealed;
    }

    private long sealReasonsInPlace() {
        jdbc.query("select pg_advisory_xact_lock(?)", rs -> null, EventSealer.LOCK);
        List<Object[]> updates = new ArrayList<>();
        jdbc.query("select globalindex, payloadtype, payload, metadata from domainevententry"
                        + " where position(? in metadata) > 0 order by globalindex",
                ps -> ps.setBytes(1, CLEAR_REASON),
                rs -> {
                    ObjectNode metadata = (ObjectNode) tree(rs.getBytes(4));
                    JsonNode reason = metadata.get(RequestMetadata.REASON);
                    Class<?> type = classOf(rs.getString(2));
                    if (reason == null || !reason.isTextual() || type == null) {
                        return;
                    }
                    Object stored = cipher.sealReasonOf(PersonalDataCipher.aboutWhom(type, tree(rs.getBytes(3))),
                            reason.asText());
                    if (stored != null && !reason.asText().equals(stored)) {
                        metadata.set(RequestMetadata.REASON, json.valueToTree(stored));
                        updates.add(new Object[]{bytes(metadata), rs.getLong(1)});
                    }
                });
        reasonsDone();
        if (updates.isEmpty()) {
            return 0L;
        }
        jdbc.batchUpdate("update domainevententry set metadata = ? where globalindex = ?", updates);
        reseal((Long) updates.get(0)[1], updates.size(), "reasons of events written before reasons were sealed, sealed in place");
        return (long) updates.size();
    }

    private void reasonsDone() {
        jdbc.update("insert into legacy_reason_sealing (done_at) values (now()) on conflict do nothing");
    }

    /** Whether the log verifies from its start; logs why {@code what} is left as it is when not. */
    private boolean chainIntact(String what) throws SQLException {
        ChainVerifier.Report before;
        try (Connection c = dataSource.getConnection()) {
            before = new ChainVerifier().verify(c, 0, ChainHash.GENESIS, null, null);
        }
        if (!before.intact()) {
            log.error("{} are left as they are: the event log does not verify against its hash chain ({} at global"
                    + " index {}). Investigate, then restart.", what, before.firstMismatch().kind(),
                    before.firstMismatch().globalIndex());
        }
        return before.intact();
    }

    private boolean anyPlaintext(List<String> types) {
        Boolean any = jdbc.query("select payload from domainevententry where payloadtype = any(?)",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", types.toArray())),
                rs -> {
                    while (rs.next()) {
                        if (plaintext(rs.getBytes(1))) {
                            return true;
                        }
                    }
                    return false;
                });
        return Boolean.TRUE.equals(any);
    }

    /** Cheap pre-check, without keys: a personal event whose payload has no encrypted field at all. */
    private static boolean plaintext(byte[] payload) {
        return !new String(payload, java.nio.charset.StandardCharsets.UTF_8).contains(PersonalDataCipher.ENCRYPTED)
                && !new String(payload, java.nio.charset.StandardCharsets.UTF_8).contains(PersonalDataCipher.SEALED);
    }

    private long rewrite(List<String> types) {
        jdbc.query("select pg_advisory_xact_lock(?)", rs -> null, EventSealer.LOCK);
        List<Object[]> updates = new ArrayList<>();
        jdbc.query("select globalindex, payloadtype, payload from domainevententry where payloadtype = any(?)"
                        + " order by globalindex",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("text", types.toArray())),
                rs -> {
                    long index = rs.getLong(1);
                    Class<?> type = classOf(rs.getString(2));
                    ObjectNode event = (ObjectNode) tree(rs.getBytes(3));
                    boolean changed;
                    try {
                        changed = cipher.encrypt(type, event);
                    } catch (PersonalDataKeys.SubjectErased erased) {
                        changed = eraseInPlace(type, event);
                    }
                    if (changed) {
                        updates.add(new Object[]{bytes(event), index});
                    }
                });
        done();
        if (updates.isEmpty()) {
            return 0L;
        }
        jdbc.batchUpdate("update domainevententry set payload = ? where globalindex = ?", updates);
        reseal((Long) updates.get(0)[1], updates.size(),
                "personal data of events written before encryption encrypted in place");
        return (long) updates.size();
    }

    /**
     * After rows from {@code first} on were rewritten in place: the seals from there on are
     * dropped (the sealer makes them again from the unchanged seal before) and the epoch is
     * recorded with the head it replaced, and why.
     */
    private void reseal(long first, int rewritten, String reason) {
        var head = jdbc.queryForMap("select global_index, hash from event_seal_head");
        long headIndex = ((Number) head.get("global_index")).longValue();
        if (first <= headIndex) {
            var kept = jdbc.queryForList("""
                    select global_index, hash from event_seal where global_index < ?
                    order by global_index desc limit 1""", first);
            long keptIndex = kept.isEmpty() ? 0 : ((Number) kept.get(0).get("global_index")).longValue();
            byte[] keptHash = kept.isEmpty() ? ChainHash.GENESIS : (byte[]) kept.get(0).get("hash");
            jdbc.update("""
                    insert into event_chain_epoch (from_index, previous_head_index, previous_head_hash, rewritten, reason)
                    values (?, ?, ?, ?, ?)""",
                    first, headIndex, head.get("hash"), rewritten, reason);
            jdbc.update("delete from event_seal where global_index >= ?", first);
            jdbc.update("""
                    update event_seal_head set global_index = ?, hash = ?,
                        sealed = (select count(*) from event_seal), sealed_at = now()""", keptIndex, keptHash);
            log.warn("Re-seal epoch: the hash chain is sealed again from global index {} (head before: {} {})",
                    first, headIndex, ChainHash.hex((byte[]) head.get("hash")));
        }
    }

    /** Every event since is encrypted when written: later starts need not look again. */
    private void done() {
        jdbc.update("insert into legacy_event_encryption (done_at) values (now()) on conflict do nothing");
    }

    /** A person erased before their old events were encrypted: their plaintext fields go. */
    private static boolean eraseInPlace(Class<?> type, ObjectNode event) {
        boolean changed = false;
        for (PersonalFields.Field field : PersonalFields.of(type).personal()) {
            JsonNode value = event.get(field.name());
            if (value != null && !value.isNull() && !PersonalDataCipher.isEncrypted(value)) {
                event.set(field.name(), PersonalDataCipher.erased(field));
                changed = true;
            }
        }
        return changed;
    }

    private static Class<?> classOf(String stored) {
        try {
            return Class.forName(RenamedEvents.currentName(stored), false, LegacyEventEncryption.class.getClassLoader());
        } catch (ClassNotFoundException unknown) {
            return null;
        }
    }

    private JsonNode tree(byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
