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
 * Reads the {@code actor} lookup that the command side keeps in step with the events (in
 * the same transaction). Inside a command handler it sees exactly the state the command is
 * decided against.
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

    /** The user id of a username, matched by its uniqueness key. */
    public Optional<UserId> findByUsernameKey(String usernameKey) {
        return jdbc.sql("select user_id from username_lookup where username_key = ?")
                .param(usernameKey)
                .query((rs, n) -> new UserId(rs.getObject(1, UUID.class)))
                .optional();
    }
}
