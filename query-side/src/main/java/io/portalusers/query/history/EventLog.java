package io.portalusers.query.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.portalusers.platform.axon.RenamedEvents;
import io.portalusers.platform.privacy.EncryptingSerializer;
import io.portalusers.platform.privacy.PersonalDataCipher;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads an aggregate's events from the event store itself: history never comes from a projection.
 *
 * <p>On the JDBC event store with the Jackson event serializer (the default) it reads the
 * aggregate's rows in one query and parses each payload once with the serializer's own
 * ObjectMapper, and of the metadata only what a history shows. Reading through Axon (rows
 * fetched in batches of 100, full messages deserialized through the serializer) measured
 * eight times slower than a raw SELECT of the same rows at 1,000 events (the history benchmark's target
 * is at most twice the raw SELECT; see benchmarks/B5-history.md). On
 * any other store (Axon Server) or serializer it reads through Axon.
 *
 * <p>Personal fields are decrypted as the event serializer ({@link EncryptingSerializer}) does,
 * and read as erased once their person is.
 *
 * <p>The direct read bypasses Axon's upcaster chain, so it reads an event stored under a
 * class's former name as {@link RenamedEvents} does: as the class it has now. Renames are the
 * only upcasting there is; an upcaster that changed a payload would have to be applied here too.
 */
@Component
class EventLog {

    private final EventStore events;
    private final JdbcClient jdbc;
    private final Serializer serializer;
    private final ObjectMapper json;
    private final PersonalDataCipher cipher;
    private final boolean direct;
    private final ObjectReader metadataReader;
    private final Map<String, ObjectReader> readers = new ConcurrentHashMap<>();

    EventLog(EventStore events, JdbcClient jdbc, @Qualifier("eventSerializer") Serializer serializer,
             ObjectProvider<EventStorageEngine> engine) {
        this.events = events;
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.json = serializer instanceof EncryptingSerializer encrypting ? encrypting.objectMapper()
                : serializer instanceof JacksonSerializer jackson ? jackson.getObjectMapper() : null;
        this.cipher = serializer instanceof EncryptingSerializer encrypting ? encrypting.cipher() : null;
        this.direct = json != null && engine.getIfUnique() instanceof JdbcEventStorageEngine;
        this.metadataReader = json == null ? null : json.readerFor(Shown.class);
    }

    /** Every event of the aggregate in order; empty when there is none. */
    List<RecordedEvent> of(String aggregateId) {
        if (!direct) {
            // From sequence 0 explicitly: readEvents(id) alone would start at a snapshot, were there one.
            return events.readEvents(aggregateId, 0).asStream().map(RecordedEvent::of).toList();
        }
        return jdbc.sql("""
                        select sequencenumber, timestamp, payloadtype, payloadrevision, payload, metadata
                        from domainevententry where aggregateidentifier = ? order by sequencenumber""")
                .param(aggregateId)
                .query((rs, n) -> {
                    try {
                        Object payload = payload(rs.getString(3), rs.getString(4), rs.getBytes(5));
                        Shown metadata = metadataReader.readValue(rs.getBytes(6));
                        return new RecordedEvent(rs.getLong(1), time(rs.getString(2)), payload,
                                metadata.actorId(), metadata.correlationId(), reason(metadata.reason()), metadata.sourceAddress());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .list();
    }

    /**
     * The event's time as the store keeps it, {@code 2026-11-28T21:03:13.123Z} (Axon's fixed
     * width), read field by field: the formatter's general parse took as long as the payload's
     * deserialization. Any other shape goes to Axon's parser.
     */
    static Instant time(String text) {
        if (fixedWidth(text)) {
            try {
                LocalDate day = LocalDate.of(number(text, 0, 4), number(text, 5, 7), number(text, 8, 10));
                LocalTime time = LocalTime.of(number(text, 11, 13), number(text, 14, 16), number(text, 17, 19),
                        number(text, 20, 23) * 1_000_000);
                return LocalDateTime.of(day, time).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException notADate) {
                // not a valid date after all: let the general parser say so
            }
        }
        return DateTimeUtils.parseInstant(text);
    }

    /** Digits where Axon's fixed width has them, its separators between (a loop: a stream here cost a tenth of a history). */
    private static boolean fixedWidth(String text) {
        if (text.length() != 24 || text.charAt(23) != 'Z') {
            return false;
        }
        for (int i = 0; i < 23; i++) {
            char c = text.charAt(i);
            char separator = switch (i) {
                case 4, 7 -> '-';
                case 10 -> 'T';
                case 13, 16 -> ':';
                case 19 -> '.';
                default -> 0;
            };
            if (separator != 0 ? c != separator : c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String text, int from, int to) {
        return Integer.parseInt(text, from, to, 10);
    }

    /** The event, its personal fields decrypted (or erased, R-ERASE-1) as the event serializer does. */
    private Object payload(String type, String revision, byte[] stored) throws IOException {
        ObjectReader reader = reader(type, revision);
        if (cipher == null || !PersonalDataCipher.hasPersonalData(reader.getValueType().getRawClass())) {
            return reader.readValue(stored);
        }
        return cipher.read(reader.getValueType().getRawClass(), reader, stored);
    }

    /** The reason given with the command: sealed under its person's key, in clear before that was so. */
    private String reason(JsonNode stored) {
        return cipher != null ? cipher.openReason(stored) : stored == null || stored.isNull() ? null : stored.asText();
    }

    /** The reader of a stored payload type, also one stored under a class's former name. */
    private ObjectReader reader(String type, String revision) {
        return readers.computeIfAbsent(type, stored -> json.readerFor(
                serializer.classForType(new SimpleSerializedType(RenamedEvents.currentName(stored), revision))));
    }

    /** What a history shows of an event's metadata (as {@link RequestMetadata} names it). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Shown(String actorId, String correlationId, JsonNode reason, String sourceAddress) {
    }
}
