package io.portalusers.standalone;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;

import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Appends events straight into Axon's event table, in the rows Axon itself writes (JSON
 * payload and metadata, its timestamp format, the global index from the table's sequence):
 * fast generation of large histories for tests and benchmarks. Each batch commits on its
 * own, so no transaction stays open anywhere near the gap timeout.
 */
public final class EventRows {

    /** One event of a user's history. */
    public record Event(UUID user, long sequence, Object payload, Instant at) {
    }

    private final Serializer serializer;
    private final byte[] metadata;

    public EventRows(Serializer serializer) {
        this.serializer = serializer;
        this.metadata = serializer.serialize(MetaData.with(RequestMetadata.ACTOR_ID, RequestMetadata.SYSTEM_ACTOR),
                byte[].class).getData();
    }

    /** A serializer writing what the service's Jackson serializer writes for these events. */
    public static EventRows withJackson() {
        return new EventRows(JacksonSerializer.builder()
                .objectMapper(JsonMapper.builder().findAndAddModules()
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build())
                .build());
    }

    /** Appends the events with COPY (several times faster than inserts), as one transaction. */
    public void copy(Connection connection, List<Event> events) throws SQLException {
        StringBuilder rows = new StringBuilder(events.size() * 600);
        String hexMetadata = hex(metadata);
        for (Event event : events) {
            rows.append(event.user()).append('\t').append(event.sequence()).append("\tUser\t").append(UUID.randomUUID())
                    .append("\t\\\\x").append(hexMetadata)
                    .append("\t\\\\x").append(hex(serializer.serialize(event.payload(), byte[].class).getData()))
                    .append("\t\\N\t").append(event.payload().getClass().getName())
                    .append('\t').append(DateTimeUtils.formatInstant(event.at())).append('\n');
        }
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                    copy domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload,
                                           payloadrevision, payloadtype, timestamp) from stdin""",
                    new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Appends the events as one transaction; the connection's auto-commit is restored. */
    public void append(Connection connection, List<Event> events) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (Event event : events) {
                insert(connection, event);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Inserts one event as Axon does (its global index from the table's sequence), in whatever
     * transaction the connection has open; its global index.
     */
    public long insert(Connection connection, Event event) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata,
                                              payload, payloadrevision, payloadtype, timestamp)
                values (?, ?, 'User', ?, ?, ?, null, ?, ?) returning globalindex""")) {
            insert.setString(1, event.user().toString());
            insert.setLong(2, event.sequence());
            insert.setString(3, UUID.randomUUID().toString());
            insert.setBytes(4, metadata);
            insert.setBytes(5, serializer.serialize(event.payload(), byte[].class).getData());
            insert.setString(6, event.payload().getClass().getName());
            insert.setString(7, DateTimeUtils.formatInstant(event.at()));
            try (ResultSet index = insert.executeQuery()) {
                index.next();
                return index.getLong(1);
            }
        }
    }
}
