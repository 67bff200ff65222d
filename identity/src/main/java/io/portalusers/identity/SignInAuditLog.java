package io.portalusers.identity;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Writes the sign-in audit record ({@code sign_in_audit}), and nothing else does: one row per
 * attempt and per ended sign-in, with who, when, which client, the outcome and where from.
 * The user's organizations are taken as they are at that moment, so that an Org Admin reads
 * what happened while the user was one of its organizations'. Joins the caller's transaction
 * where there is one (a disable), so that the row commits with what it records.
 */
class SignInAuditLog {

    enum Outcome { SIGNED_IN, FAILED, THROTTLED, SIGNED_OUT, SESSION_ENDED }

    /**
     * One row. {@code userId} or, for a login that names no user, {@code loginHash}; never a
     * password, a token or a login in clear.
     */
    record Entry(Outcome outcome, UUID userId, String loginHash, String clientId, String sourceAddress,
                 String userAgent, String correlationId) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    SignInAuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void record(Entry entry) {
        jdbc.sql("""
                        insert into sign_in_audit (recorded_at, outcome, user_id, login_hash, client_id, source_address,
                                                   user_agent, organizations, correlation_id)
                        values (:at, :outcome, :user, :loginHash, :client, :address, :agent,
                                coalesce((select array_agg(organization_id order by organization_id)
                                          from actor_membership where user_id = :user), '{}'),
                                :correlation)""")
                .param("at", clock.instant().atOffset(ZoneOffset.UTC))
                .param("outcome", entry.outcome().name())
                .param("user", entry.userId(), java.sql.Types.OTHER)
                .param("loginHash", entry.userId() == null ? entry.loginHash() : null)
                .param("client", entry.clientId())
                .param("address", entry.sourceAddress())
                .param("agent", SignInDetails.printable(entry.userAgent(), SignInDetails.USER_AGENT_LENGTH))
                .param("correlation", entry.correlationId())
                .update();
    }
}
