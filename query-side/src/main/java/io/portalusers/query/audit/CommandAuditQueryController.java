package io.portalusers.query.audit;

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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * RELIABILITY U1: the record of every command, accepted or refused, newest first. Portal
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
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        condition(conditions, params, "target_id = :target", "target", target);
        condition(conditions, params, "actor_id = :actorId", "actorId", actorId);
        condition(conditions, params, "outcome = :outcome", "outcome", outcome);
        condition(conditions, params, "recorded_at >= :from", "from", from == null ? null : Timestamp.from(from));
        condition(conditions, params, "recorded_at < :to", "to", to == null ? null : Timestamp.from(to));
        if (!reader.readsEverything()) {
            condition(conditions, params, "organizations && :organizations", "organizations",
                    administered.stream().map(OrganizationId::value).toArray(UUID[]::new));
        }
        String where = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
        ReaderScope scope = ReaderScope.of(reader);
        List<AuditRecord> items = jdbc.sql("select * from command_audit" + where
                        + " order by recorded_at desc, id desc limit :limit offset :offset")
                .params(params).param("limit", request.size()).param("offset", request.offset())
                .query(CommandAuditQueryController::row).list()
                .stream().map(record -> record.seenBy(scope)).toList();
        long total = jdbc.sql("select count(*) from command_audit" + where).params(params).query(Long.class).single();
        return request.of(items, total);
    }

    private static void condition(List<String> conditions, Map<String, Object> params, String sql, String name,
                                  Object value) {
        if (value != null) {
            conditions.add(sql);
            params.put(name, value);
        }
    }

    private static AuditRecord row(ResultSet rs, int n) throws SQLException {
        Array organizations = rs.getArray("organizations");
        return new AuditRecord(rs.getLong("id"), rs.getTimestamp("recorded_at").toInstant(), rs.getString("actor_id"),
                rs.getString("command"), rs.getString("target_id"), List.of((UUID[]) organizations.getArray()),
                rs.getString("correlation_id"), rs.getString("reason"), rs.getString("outcome"), rs.getString("code"));
    }
}
