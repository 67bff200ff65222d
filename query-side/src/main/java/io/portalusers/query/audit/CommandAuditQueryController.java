package io.portalusers.query.audit;

import io.portalusers.platform.web.AuditTable;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The record of every command, accepted or refused (each leaves exactly one), newest first. Portal
 * Admins and audit:read machine clients read all of it; Org Admins the records about their
 * organizations, which name of a user's organizations only theirs (R-SEARCH-5).
 */
@RestController
class CommandAuditQueryController {

    private static final Set<String> OUTCOMES = Set.of("ACCEPTED", "REFUSED");

    private final JdbcClient jdbc;

    CommandAuditQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record AuditRecord(long id, Instant recordedAt, String actorId, String command, String targetId,
                       List<UUID> organizations, String correlationId, String reason, String outcome, String code) {

        /** The record as {@code scope}'s reader sees it: a target user's other organizations left out. */
        AuditRecord seenBy(ReaderScope scope) {
            UUID target = uuid(targetId);
            List<UUID> shown = organizations.stream()
                    .filter(organization -> scope.shows(target, new OrganizationId(organization))).toList();
            return new AuditRecord(id, recordedAt, actorId, command, targetId, shown, correlationId, reason, outcome,
                    code);
        }

        private static UUID uuid(String text) {
            try {
                return text == null ? null : UUID.fromString(text);
            } catch (IllegalArgumentException notAUser) {
                return null;
            }
        }
    }

    @GetMapping(path = "/api/audit/commands", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<AuditRecord> list(AuditReader reader,
                           @RequestParam(required = false) String target,
                           @RequestParam(required = false) String actorId,
                           @RequestParam(required = false) String outcome,
                           @RequestParam(required = false) Instant from,
                           @RequestParam(required = false) Instant to,
                           @RequestParam(defaultValue = "0") int page,
                           @RequestParam(defaultValue = "50") int size) {
        Page.Request request = Page.request(page, size);
        Set<OrganizationId> administered = reader.administeredOrganizations();
        if (!reader.readsEverything() && administered.isEmpty()) {
            throw RuleViolationException.forbidden("R-AUD-1", "only Portal Admins and Org Admins read the audit record");
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new InvalidValueException("outcome", "must be ACCEPTED or REFUSED");
        }
        ReaderScope scope = ReaderScope.of(reader);
        Page<AuditRecord> rows = AuditTable.of("command_audit")
                .where("target_id = :target", "target", target)
                .where("actor_id = :actorId", "actorId", actorId)
                .where("outcome = :outcome", "outcome", outcome)
                .recordedBetween(from, to)
                .readableBy(reader, administered)
                .page(jdbc, request, CommandAuditQueryController::row);
        return new Page<>(rows.items().stream().map(record -> record.seenBy(scope)).toList(), rows.page(), rows.size(),
                rows.total());
    }

    private static AuditRecord row(ResultSet rs, int n) throws SQLException {
        Array organizations = rs.getArray("organizations");
        return new AuditRecord(rs.getLong("id"), rs.getTimestamp("recorded_at").toInstant(), rs.getString("actor_id"),
                rs.getString("command"), rs.getString("target_id"), List.of((UUID[]) organizations.getArray()),
                rs.getString("correlation_id"), rs.getString("reason"), rs.getString("outcome"), rs.getString("code"));
    }
}
