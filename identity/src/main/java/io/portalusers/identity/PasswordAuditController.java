package io.portalusers.identity;

import io.portalusers.platform.web.AuditTable;
import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The audit record of passwords (R-AUTH-4) for auditors, newest first: Portal Admins and
 * audit:read machine clients read all of it. Org Admins do not: a reset request names no
 * organization, and one for an unknown login names no user either.
 */
@RestController
@OnSignIn
class PasswordAuditController {

    private final JdbcClient jdbc;

    PasswordAuditController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record PasswordAuditRecord(long id, Instant recordedAt, String event, UUID userId, String outcome,
                               Integer endedAuthorizations, String client, String sourceAddress, String correlationId) {
    }

    @GetMapping(path = "/api/audit/passwords", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<PasswordAuditRecord> list(AuditReader reader,
                                   @RequestParam(required = false) UUID user,
                                   @RequestParam(required = false) String event,
                                   @RequestParam(required = false) String outcome,
                                   @RequestParam(required = false) Instant from,
                                   @RequestParam(required = false) Instant to,
                                   @RequestParam(defaultValue = "0") int page,
                                   @RequestParam(defaultValue = "50") int size) {
        Page.Request request = Page.request(page, size);
        if (!reader.readsEverything()) {
            throw RuleViolationException.forbidden("R-AUD-1",
                    "only Portal Admins and audit clients read the audit record of passwords");
        }
        if (event != null && Arrays.stream(PasswordAudit.Event.values()).noneMatch(e -> e.name().equals(event))) {
            throw new InvalidValueException("event", "must be one of " + Arrays.toString(PasswordAudit.Event.values()));
        }
        return AuditTable.of("password_audit")
                .where("user_id = :user", "user", user)
                .where("event = :event", "event", event)
                .where("outcome = :outcome", "outcome", outcome)
                .recordedBetween(from, to)
                .page(jdbc, request, PasswordAuditController::row);
    }

    private static PasswordAuditRecord row(ResultSet rs, int n) throws SQLException {
        return new PasswordAuditRecord(rs.getLong("id"), rs.getTimestamp("recorded_at").toInstant(),
                rs.getString("event"), rs.getObject("user_id", UUID.class), rs.getString("outcome"),
                (Integer) rs.getObject("ended_authorizations"), rs.getString("client"), rs.getString("source_address"),
                rs.getString("correlation_id"));
    }
}
