package io.portalusers.platform.actor;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Who a caller is: the directory of actors ({@code actor}, {@code actor_membership}) that
 * authorization reads on both sides. The platform owns these tables (its schema) because
 * security on every node reads them; the command side writes them in step with the events, in
 * the transaction that appends them, so inside a command handler this sees exactly the state
 * the command is decided against.
 */
@Component
public class ActorDirectory {

    private final JdbcClient jdbc;

    public ActorDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Actor> find(UserId userId) {
        var memberships = jdbc.sql("""
                        select organization_id, org_role from actor_membership
                        where user_id = ? order by organization_id""")
                .param(userId.value())
                .query((rs, n) -> new Membership(
                        new OrganizationId(rs.getObject(1, UUID.class)), Role.valueOf(rs.getString(2))))
                .list();
        return jdbc.sql("select account_role, source, enabled from actor where user_id = ?")
                .param(userId.value())
                .query((rs, n) -> new Actor(userId, Role.valueOf(rs.getString(1)),
                        UserSource.valueOf(rs.getString(2)), rs.getBoolean(3), memberships))
                .optional();
    }
}
