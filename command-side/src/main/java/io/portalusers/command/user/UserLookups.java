package io.portalusers.command.user;

import io.portalusers.api.user.Membership;
import io.portalusers.api.user.UserCreated;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Usernames and emails under unique constraints (R-ADD-6), and the actor table every
 * authorization decision reads. Written in the transaction that appends the events.
 */
@Component
@ProcessingGroup("command-lookups")
class UserLookups {

    private final JdbcClient jdbc;

    UserLookups(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(UserCreated event) {
        var id = event.userId().value();
        jdbc.sql("insert into username_lookup (user_id, username_key) values (?, ?)")
                .params(id, event.username().key()).update();
        jdbc.sql("insert into email_lookup (user_id, email_key) values (?, ?)")
                .params(id, event.email().key()).update();
        jdbc.sql("insert into actor (user_id, account_role, source, enabled) values (?, ?, ?, true)")
                .params(id, event.accountRole().name(), event.source().name()).update();
        for (Membership membership : event.memberships()) {
            jdbc.sql("insert into actor_membership (user_id, organization_id, org_role) values (?, ?, ?)")
                    .params(id, membership.organizationId().value(), membership.role().name()).update();
        }
    }
}
