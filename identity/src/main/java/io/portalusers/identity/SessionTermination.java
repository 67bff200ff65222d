package io.portalusers.identity;

import io.portalusers.api.user.UserDisabled;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A disabled user's sign-ins end at once (R-AUTH-3): its authorizations (codes, refresh
 * tokens, ID tokens) are deleted in the transaction that disables it, so no refresh can
 * follow. Its access tokens still verify until they expire, but the API refuses a disabled
 * user's token on every request anyway.
 */
@Component
@OnSignIn
@ProcessingGroup(SessionTermination.GROUP)
class SessionTermination {

    static final String GROUP = "identity-sessions";

    private final JdbcClient jdbc;

    SessionTermination(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(UserDisabled event) {
        end(event.userId().toString());
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

    /** In the disabling command's own transaction, not a moment later. */
    @Bean
    static ConfigurerModule identitySessionsSubscribe() {
        return configurer -> configurer.eventProcessing().registerSubscribingEventProcessor(GROUP);
    }
}
