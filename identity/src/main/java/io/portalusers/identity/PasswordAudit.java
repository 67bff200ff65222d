package io.portalusers.identity;

import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.security.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Writes the audit record of passwords ({@code password_audit}, R-AUTH-4): what happened,
 * to which account, when (UTC), from which client (its User-Agent) and address, with which
 * outcome and correlation id. Never a login a caller typed, a password, a token or a hash.
 * The one place that writes the table, so that it can move beside (or into) a record of
 * sign-ins without a hunt.
 *
 * <p>Written in the caller's transaction when there is one; a refusal that rolled its
 * transaction back is recorded afterwards, in a statement of its own.
 */
class PasswordAudit {

    enum Event { RESET_REQUESTED, RESET_COMPLETED, PASSWORD_CHANGED, SESSIONS_ENDED }

    static final String LINK_SENT = "LINK_SENT";
    static final String NO_CURRENT_ADDRESS = "NO_CURRENT_ADDRESS";
    static final String NOT_ELIGIBLE = "NOT_ELIGIBLE";
    static final String UNKNOWN_LOGIN = "UNKNOWN_LOGIN";
    static final String SUCCEEDED = "SUCCEEDED";
    static final String INVALID_LINK = "INVALID_LINK";
    static final String PASSWORD_REFUSED = "PASSWORD_REFUSED";
    static final String WRONG_CURRENT_PASSWORD = "WRONG_CURRENT_PASSWORD";
    static final String NO_LOCAL_PASSWORD = "NO_LOCAL_PASSWORD";
    static final String ENDED = "ENDED";

    private static final int MAX_CLIENT = 200;

    private final JdbcClient jdbc;
    private final ClientAddresses addresses;
    private final Clock clock;

    PasswordAudit(JdbcClient jdbc, ClientAddresses addresses, Clock clock) {
        this.jdbc = jdbc;
        this.addresses = addresses;
        this.clock = clock;
    }

    void record(Event event, UUID userId, String outcome, HttpServletRequest request) {
        write(event, userId, outcome, null, request);
    }

    void sessionsEnded(UUID userId, int authorizations, HttpServletRequest request) {
        write(Event.SESSIONS_ENDED, userId, ENDED, authorizations, request);
    }

    private void write(Event event, UUID userId, String outcome, Integer ended, HttpServletRequest request) {
        jdbc.sql("""
                        insert into password_audit (recorded_at, event, user_id, outcome, ended_authorizations, client,
                                                    source_address, correlation_id)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(clock.instant().atOffset(ZoneOffset.UTC), event.name(), userId, outcome, ended,
                        client(request.getHeader("User-Agent")), addresses.of(request),
                        RequestMetadata.currentCorrelationId())
                .update();
    }

    /** The User-Agent as printable ASCII (anything else a '?'), cut to 200 characters: a caller writes it. */
    static String client(String userAgent) {
        if (userAgent == null || userAgent.isEmpty()) {
            return null;
        }
        StringBuilder safe = new StringBuilder();
        userAgent.codePoints().limit(MAX_CLIENT)
                .forEach(c -> safe.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return safe.toString();
    }
}
