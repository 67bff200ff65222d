package io.portalusers.identity;

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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * R-AUTH-3, R-AUD-1: the sign-in audit record, newest first. Read as the command audit is:
 * Portal Admins and audit:read machine clients all of it (attempts with a login that names no
 * user included, under its keyed hash); Org Admins the rows of users while they were members
 * of an organization it administers, naming of those users' organizations only its own
 * (R-SEARCH-5); anyone else is refused.
 */
@RestController
@OnSignIn
class SignInAuditQueryController {

    private static final Set<String> OUTCOMES = Arrays.stream(SignInAuditLog.Outcome.values())
            .map(Enum::name).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final JdbcClient jdbc;

    SignInAuditQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record SignInRecord(long id, Instant recordedAt, String outcome, UUID userId, String loginHash, String clientId,
                        String sourceAddress, String userAgent, List<UUID> organizations, String correlationId) {

        /** The record as {@code scope}'s reader sees it: the user's other organizations left out. */
        SignInRecord seenBy(ReaderScope scope) {
            List<UUID> shown = organizations.stream()
                    .filter(organization -> scope.shows(userId, new OrganizationId(organization))).toList();
            return new SignInRecord(id, recordedAt, outcome, userId, loginHash, clientId, sourceAddress, userAgent,
                    shown, correlationId);
        }
    }

    @GetMapping(path = "/api/audit/sign-ins", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<SignInRecord> list(AuditReader reader,
                            @RequestParam(required = false) String user,
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
            throw new InvalidValueException("outcome", "must be one of " + String.join(", ", OUTCOMES.stream().sorted().toList()));
        }
        ReaderScope scope = ReaderScope.of(reader);
        Page<SignInRecord> rows = AuditTable.of("sign_in_audit")
                .where("user_id = :user", "user", user == null ? null : userId(user))
                .where("outcome = :outcome", "outcome", outcome)
                .recordedBetween(from, to)
                .readableBy(reader, administered)
                .page(jdbc, request, SignInAuditQueryController::row);
        return new Page<>(rows.items().stream().map(record -> record.seenBy(scope)).toList(), rows.page(), rows.size(),
                rows.total());
    }

    private static UUID userId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("user", "must be a user id");
        }
    }

    private static SignInRecord row(ResultSet rs, int n) throws SQLException {
        Array organizations = rs.getArray("organizations");
        return new SignInRecord(rs.getLong("id"), rs.getTimestamp("recorded_at").toInstant(), rs.getString("outcome"),
                rs.getObject("user_id", UUID.class), rs.getString("login_hash"), rs.getString("client_id"),
                rs.getString("source_address"), rs.getString("user_agent"), List.of((UUID[]) organizations.getArray()),
                rs.getString("correlation_id"));
    }
}
