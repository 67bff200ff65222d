package io.portalusers.platform.actor;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
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

    /** The actor and its memberships in one statement (one snapshot, one round trip: every request asks). */
    public Optional<Actor> find(UserId userId) {
        List<ActorRow> rows = jdbc.sql("""
                        select a.account_role, a.source, a.enabled, m.organization_id, m.org_role
                        from actor a left join actor_membership m on m.user_id = a.user_id
                        where a.user_id = ? order by m.organization_id""")
                .param(userId.value())
                .query((rs, n) -> new ActorRow(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        rs.getObject(4, UUID.class), rs.getString(5)))
                .list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Membership> memberships = new ArrayList<>(rows.size());
        for (ActorRow row : rows) {
            if (row.organization() != null) {
                memberships.add(new Membership(new OrganizationId(row.organization()), Role.valueOf(row.orgRole())));
            }
        }
        ActorRow first = rows.get(0);
        return Optional.of(new Actor(userId, Role.valueOf(first.accountRole()), UserSource.valueOf(first.source()),
                first.enabled(), memberships));
    }

    private record ActorRow(String accountRole, String source, boolean enabled, UUID organization, String orgRole) {
    }
}
