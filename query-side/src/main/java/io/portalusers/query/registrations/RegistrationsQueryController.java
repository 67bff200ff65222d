package io.portalusers.query.registrations;

import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import io.portalusers.platform.web.Versions;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Registration requests for Portal Admins (R-REG-2): paged, newest first, filtered by status
 * and by the time they were submitted ({@code from} inclusive, {@code to} exclusive).
 * Nobody else reads them (403, code R-REG-2).
 */
@RestController
class RegistrationsQueryController {

    static final Set<String> STATUSES = Set.of("PENDING", "ACCEPTED", "COMPLETED", "REJECTED", "EXPIRED", "FAILED");

    private final JdbcClient jdbc;

    RegistrationsQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record RegistrationView(UUID id, String status, String username, String email, String firstName, String lastName,
                            String language, String organizationName, boolean awaitsApproval, Instant submittedAt,
                            Instant expiresAt, Instant decidedAt, String decidedBy, String reason,
                            UUID organizationId, UUID userId, String failureCode, Instant completedAt, long version) {
    }

    @GetMapping(path = "/api/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<RegistrationView> list(Actor actor,
                                @RequestParam(required = false) String status,
                                @RequestParam(required = false) String from,
                                @RequestParam(required = false) String to,
                                @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "20") int size) {
        requirePortalAdmin(actor);
        FieldErrors errors = new FieldErrors();
        String wanted = errors.parseOptional("status", status, RegistrationsQueryController::status);
        OffsetDateTime after = errors.parseOptional("from", from, RegistrationsQueryController::parseInstant);
        OffsetDateTime before = errors.parseOptional("to", to, RegistrationsQueryController::parseInstant);
        errors.throwIfAny();
        Page.Request request = Page.request(page, size);
        String where = " where (cast(:status as text) is null or status = :status)"
                + " and (cast(:from as timestamptz) is null or submitted_at >= :from)"
                + " and (cast(:to as timestamptz) is null or submitted_at < :to)";
        var items = jdbc.sql("select * from registration_view" + where
                        + " order by submitted_at desc, registration_id limit :limit offset :offset")
                .param("status", wanted).param("from", after).param("to", before)
                .param("limit", request.size()).param("offset", request.offset())
                .query(RegistrationsQueryController::row)
                .list();
        long total = jdbc.sql("select count(*) from registration_view" + where)
                .param("status", wanted).param("from", after).param("to", before)
                .query(Long.class).single();
        return request.of(items, total);
    }

    @GetMapping(path = "/api/registrations/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<RegistrationView> get(Actor actor, @PathVariable UUID id) {
        requirePortalAdmin(actor);
        RegistrationView view = jdbc.sql("select * from registration_view where registration_id = ?")
                .param(id)
                .query(RegistrationsQueryController::row)
                .optional()
                .orElseThrow(() -> new NotFoundException("no such registration"));
        return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
    }

    private static void requirePortalAdmin(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw RuleViolationException.forbidden("R-REG-2", "only Portal Admins read registration requests");
        }
    }

    private static String status(String raw) {
        String upper = raw.strip().toUpperCase(Locale.ROOT);
        if (!STATUSES.contains(upper)) {
            throw new InvalidValueException("must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        return upper;
    }

    private static OffsetDateTime parseInstant(String raw) {
        try {
            return Instant.parse(raw.strip()).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(raw.strip());
            } catch (DateTimeParseException again) {
                throw new InvalidValueException("must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
            }
        }
    }

    private static RegistrationView row(ResultSet rs, int n) throws SQLException {
        return new RegistrationView(rs.getObject("registration_id", UUID.class), rs.getString("status"),
                rs.getString("username"), rs.getString("email"), rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("language"), rs.getString("organization_name"), rs.getBoolean("awaits_approval"),
                instant(rs.getTimestamp("submitted_at")), instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("decided_at")), rs.getString("decided_by"), rs.getString("reason"),
                rs.getObject("organization_id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getString("failure_code"), instant(rs.getTimestamp("completed_at")), rs.getLong("version"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
