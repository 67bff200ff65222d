package io.portalusers.query.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.UserCreated;
import io.portalusers.platform.privacy.PersonalDataCipher;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.axon.RenamedEvents;
import io.portalusers.platform.problem.RuleViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The auditor's export: every event, or those of one organization (its own, and its members'
 * while they were members) or one user, in a time range, streamed as JSON Lines or CSV with
 * the same fields. Rows are read through a cursor and written as they come, so memory stays
 * flat on millions of events. Portal Admins and audit:read machine clients export everything; an Org Admin
 * its own organization, and of its members' memberships those in its organizations only (R-SEARCH-5).
 */
@RestController
class EventExportController {

    static final List<String> FIELDS = List.of("globalIndex", "timestamp", "aggregateType", "aggregateId",
            "sequenceNumber", "eventType", "actorId", "correlationId", "reason", "payload");
    private static final MediaType JSON_LINES = MediaType.parseMediaType("application/x-ndjson");
    private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
    private static final int FETCH_SIZE = 1000;
    /**
     * The user events that set its memberships (each carries the whole list), under every name
     * they may be stored under (a renamed class's former names too).
     */
    private static final List<String> MEMBERSHIP_EVENTS = Stream.of(UserCreated.class, MembershipsChanged.class)
            .flatMap(type -> RenamedEvents.storedNames(type).stream()).toList();

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final ObjectMapper json;
    private final ExportSlots slots;
    private final PersonalDataCipher personalData;
    private final Duration statementTimeout;

    EventExportController(JdbcTemplate jdbc, PlatformTransactionManager transactions, ObjectMapper json,
                          ExportSlots slots, PersonalDataCipher personalData, @Value("${portal.audit.export.statement-timeout}") Duration statementTimeout) {
        this.slots = slots;
        this.statementTimeout = statementTimeout;
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
        streaming.setFetchSize(FETCH_SIZE);
        this.jdbc = new NamedParameterJdbcTemplate(streaming);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
        this.personalData = personalData;
    }

    @GetMapping(path = "/api/audit/events")
    ResponseEntity<StreamingResponseBody> export(AuditReader reader,
                                                 @RequestParam(required = false) UUID organization,
                                                 @RequestParam(required = false) UUID user,
                                                 @RequestParam(required = false) Instant from,
                                                 @RequestParam(required = false) Instant to,
                                                 @RequestParam(defaultValue = "jsonl") String format) {
        if (!reader.readsEverything() && (organization == null
                || !reader.administeredOrganizations().contains(new OrganizationId(organization)))) {
            throw RuleViolationException.forbidden("R-AUD-1",
                    "Portal Admins export the log; an Org Admin exports its own organization's events");
        }
        boolean csv = switch (format) {
            case "jsonl" -> false;
            case "csv" -> true;
            default -> throw new InvalidValueException("format", "must be jsonl or csv");
        };
        StringBuilder sql = new StringBuilder("""
                select globalindex, timestamp, type, aggregateidentifier, sequencenumber, payloadtype,
                       convert_from(metadata, 'UTF8') as metadata, convert_from(payload, 'UTF8') as payload
                from domainevententry where true""");
        MapSqlParameterSource params = new MapSqlParameterSource();
        if (user != null) {
            sql.append(" and aggregateidentifier = :user");
            params.addValue("user", user.toString());
        }
        if (organization != null) {
            // the organization's own events and those of every user who was ever its member;
            // which of a user's events fall within its membership is decided as they stream by
            sql.append(" and (aggregateidentifier = :organization or aggregateidentifier in (")
                    .append("select aggregateidentifier from domainevententry where type = 'User'")
                    .append(" and payloadtype in (:membershipEvents)")
                    .append(" and strpos(convert_from(payload, 'UTF8'), :organization) > 0))");
            params.addValue("organization", organization.toString())
                    .addValue("membershipEvents", MEMBERSHIP_EVENTS);
        }
        // the log keeps event times as text in a fixed-width UTC format, which sorts as time
        String fromText = from == null ? null : org.axonframework.common.DateTimeUtils.formatInstant(from);
        if (from != null && organization == null) {
            sql.append(" and timestamp >= :from");
            params.addValue("from", fromText);
        }
        if (to != null) {
            sql.append(" and timestamp < :to");
            params.addValue("to", org.axonframework.common.DateTimeUtils.formatInstant(to));
        }
        sql.append(" order by globalindex");
        // without an organization the reader reads everything (checked above)
        Rows rows = organization == null ? rs -> json.readTree(rs.getString("payload"))
                : new MembershipWindow(organization.toString(), fromText, ReaderScope.of(reader));
        ExportSlots.Slot slot = slots.take(reader);
        StreamingResponseBody body = out -> {
            try (slot) {
                stream(sql.toString(), params, out, csv, rows);
            }
        };
        return ResponseEntity.ok()
                .contentType(csv ? CSV : JSON_LINES)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=events." + format)
                .body(body);
    }

    /** What of a row goes into the export: its payload as the reader may see it, or null for nothing. */
    @FunctionalInterface
    private interface Rows {
        JsonNode payload(ResultSet rs) throws SQLException, IOException;
    }

    /**
     * An organization's export: its own events, and a user's events while it was a member
     * (from the event that made it one to the one that ended it, both included), the same
     * window an Org Admin reads of the user's history. Earlier events are read to know where a
     * user stood when the time range starts, and left out. Of a user's memberships the reader
     * sees those its scope shows (R-SEARCH-5), and, as in the history, a memberships change of
     * none of those is left out. Memory: per member a flag and the memberships shown.
     */
    private final class MembershipWindow implements Rows {

        private final String organization;
        private final String from;
        private final ReaderScope scope;
        private final Map<String, Boolean> member = new HashMap<>();
        private final Map<String, JsonNode> shown = new HashMap<>();

        MembershipWindow(String organization, String from, ReaderScope scope) {
            this.organization = organization;
            this.from = from;
            this.scope = scope;
        }

        @Override
        public JsonNode payload(ResultSet rs) throws SQLException, IOException {
            String aggregate = rs.getString("aggregateidentifier");
            // parsed here only for the events that set memberships; others only once they go out
            JsonNode payload = null;
            boolean visible;
            if (aggregate.equals(organization)) {
                visible = true;
            } else {
                boolean before = member.getOrDefault(aggregate, false);
                boolean after = before;
                boolean seenChange = true;
                if (MEMBERSHIP_EVENTS.contains(rs.getString("payloadtype"))) {
                    payload = json.readTree(rs.getString("payload"));
                    after = false;
                    for (JsonNode membership : payload.path("memberships")) {
                        after |= organization.equals(membership.path("organizationId").asText());
                    }
                    member.put(aggregate, after);
                    UUID user = UUID.fromString(aggregate);
                    if (!scope.seesAllOf(user)) {
                        payload = seenBy(payload, user);
                        JsonNode now = payload.path("memberships");
                        seenChange = !now.equals(shown.put(aggregate, now));
                    }
                }
                visible = (before || after) && seenChange;
            }
            if (!visible || from != null && rs.getString("timestamp").compareTo(from) < 0) {
                return null;
            }
            return payload != null ? payload : json.readTree(rs.getString("payload"));
        }

        /** The payload with the memberships the reader may not see left out. */
        private JsonNode seenBy(JsonNode payload, UUID user) {
            ObjectNode copy = payload.deepCopy();
            ArrayNode memberships = copy.putArray("memberships");
            for (JsonNode membership : payload.path("memberships")) {
                if (scope.shows(user, OrganizationId.of(membership.path("organizationId").asText()))) {
                    memberships.add(membership);
                }
            }
            return copy;
        }
    }

    private void stream(String sql, MapSqlParameterSource params, OutputStream out, boolean csv, Rows rows) {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        readOnly.executeWithoutResult(status -> {
            // an export may outlast the statement limit the pool sets for commands, but not without end
            jdbc.getJdbcTemplate().execute("set local statement_timeout = " + statementTimeout.toMillis());
            jdbc.getJdbcTemplate().execute("set local idle_in_transaction_session_timeout = '10min'");
            try {
                if (csv) {
                    writer.write(String.join(",", FIELDS) + "\r\n");
                }
                jdbc.query(sql, params, rs -> {
                    try {
                        JsonNode payload = rows.payload(rs);
                        if (payload == null) {
                            return;
                        }
                        // personal fields decrypted, or "[erased]" once their person is (R-ERASE-1)
                        payload = personalData.decryptStored(rs.getString("payloadtype"), payload);
                        if (csv) {
                            writeCsv(rs, payload, writer);
                        } else {
                            writeJsonLine(rs, payload, writer);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void writeJsonLine(ResultSet rs, JsonNode payload, Writer writer) throws SQLException, IOException {
        JsonNode metadata = json.readTree(rs.getString("metadata"));
        try (JsonGenerator line = json.createGenerator(writer)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)) {
            line.writeStartObject();
            line.writeNumberField("globalIndex", rs.getLong("globalindex"));
            line.writeStringField("timestamp", rs.getString("timestamp"));
            line.writeStringField("aggregateType", rs.getString("type"));
            line.writeStringField("aggregateId", rs.getString("aggregateidentifier"));
            line.writeNumberField("sequenceNumber", rs.getLong("sequencenumber"));
            line.writeStringField("eventType", eventType(rs.getString("payloadtype")));
            line.writeStringField("actorId", metadata.path("actorId").asText(null));
            line.writeStringField("correlationId", metadata.path("correlationId").asText(null));
            line.writeStringField("reason", personalData.openReason(metadata.get("reason")));
            line.writeFieldName("payload");
            line.writeTree(payload);
            line.writeEndObject();
        }
        writer.write('\n');
    }

    private void writeCsv(ResultSet rs, JsonNode payload, Writer writer) throws SQLException, IOException {
        JsonNode metadata = json.readTree(rs.getString("metadata"));
        List<String> values = List.of(
                Long.toString(rs.getLong("globalindex")), rs.getString("timestamp"), nullToEmpty(rs.getString("type")),
                rs.getString("aggregateidentifier"), Long.toString(rs.getLong("sequencenumber")),
                eventType(rs.getString("payloadtype")), metadata.path("actorId").asText(""),
                metadata.path("correlationId").asText(""), nullToEmpty(personalData.openReason(metadata.get("reason"))),
                json.writeValueAsString(payload));
        writer.write(String.join(",", values.stream().map(EventExportController::csvField).toList()) + "\r\n");
    }

    /**
     * RFC 4180 quoting, with control characters encoded and a leading formula character
     * defused, so that no field can break a line or run in a spreadsheet.
     */
    static String csvField(String value) {
        StringBuilder encoded = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                encoded.append(String.format("\\u%04x", c));
            } else {
                encoded.appendCodePoint(c);
            }
        });
        String text = encoded.toString();
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }

    /**
     * The event type an auditor reads: the simple name of the event's class as it is now, for
     * an event stored under a former name too (PublisherRoleChanged shows as
     * AccountRoleChanged), so that one kind of event has one name throughout an export, as in
     * the history. The payload is shown as stored; a rename keeps the fields.
     */
    private static String eventType(String storedType) {
        String type = RenamedEvents.currentName(storedType);
        return type.substring(type.lastIndexOf('.') + 1);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
