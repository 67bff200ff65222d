package io.portalusers.identity;

import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserErased;
import io.portalusers.platform.request.RequestMetadata;
import io.portalusers.platform.security.ClientAddresses;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.util.List;

/**
 * A disabled user's sign-ins end at once (R-AUTH-3): its authorizations (codes, refresh
 * tokens, ID tokens) are deleted in the transaction that disables it, so no refresh can
 * follow. Its access tokens still verify until they expire, but the API refuses a disabled
 * user's token on every request anyway. Each ended authorization is a row of the sign-in
 * audit record (SESSION_ENDED), committed with the disable, with the address and correlation
 * id of the request that disabled the user. An erased user's audit rows lose their addresses.
 */
@Component
@OnSignIn
@ProcessingGroup(SessionTermination.GROUP)
class SessionTermination {

    static final String GROUP = "identity-sessions";

    private final JdbcClient jdbc;
    private final SignInAuditLog audit;
    private final ClientAddresses clients;

    SessionTermination(JdbcClient jdbc, SignInAuditLog audit, ClientAddresses clients) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clients = clients;
    }

    @EventHandler
    void on(UserDisabled event, @MetaDataValue(RequestMetadata.CORRELATION_ID) String correlationId) {
        endOnDisable(event.userId().value(), correlationId);
    }

    /**
     * R-ERASE-1: the sign-in and password audit records of an erased user keep what happened,
     * when and with which outcome, under the user's id, but no longer from where: the addresses
     * and User-Agents go, in the erasing transaction. (A login that named no user was only ever
     * kept as a keyed hash.)
     */
    @EventHandler
    void on(UserErased event) {
        java.util.UUID user = event.userId().value();
        jdbc.sql("update sign_in_audit set source_address = null, user_agent = null where user_id = ?").param(user)
                .update();
        jdbc.sql("update password_audit set source_address = null, client = null where user_id = ?").param(user)
                .update();
    }

    /** Ends every authorization of the user; how many there were. */
    int end(String userId) {
        return jdbc.sql("delete from oauth2_authorization where principal_name = ?").param(userId).update();
    }

    /**
     * Ends every authorization of the user but the one whose access token is {@code keep}
     * (the caller's own, after a password change: it proved the current password); how many
     * ended. A {@code keep} of no authorization (another issuer's token) keeps none.
     */
    int endAllBut(String userId, String keep) {
        return jdbc.sql("delete from oauth2_authorization where principal_name = ? and access_token_value is distinct from ?")
                .params(userId, keep).update();
    }

    /** Ends every authorization of a disabled user, each one a SESSION_ENDED in the sign-in audit record. */
    void endOnDisable(java.util.UUID userId, String correlationId) {
        List<String> clientsEnded = jdbc.sql("delete from oauth2_authorization where principal_name = ? returning registered_client_id")
                .param(userId.toString()).query(String.class).list();
        String address = RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
                ? clients.of(request.getRequest()) : null;
        for (String client : clientsEnded) {
            audit.record(new SignInAuditLog.Entry(SignInAuditLog.Outcome.SESSION_ENDED, userId, null, client, address,
                    null, correlationId));
        }
    }

    /** In the disabling command's own transaction, not a moment later. */
    @Bean
    static ConfigurerModule identitySessionsSubscribe() {
        return configurer -> configurer.eventProcessing().registerSubscribingEventProcessor(GROUP);
    }
}
