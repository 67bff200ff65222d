package io.portalusers.command;

import io.portalusers.platform.axon.CommandTargetOrganizations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * For the command audit: the organizations a command's target belongs to, from the command
 * side's lookups: an organization itself, or a user's memberships as they stand.
 */
@Component
class TargetOrganizations implements CommandTargetOrganizations {

    private final JdbcClient jdbc;

    TargetOrganizations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<UUID> of(UUID target) {
        return jdbc.sql("""
                        select organization_id from organization_lookup where organization_id = :id
                        union select organization_id from actor_membership where user_id = :id""")
                .param("id", target)
                .query(UUID.class)
                .list();
    }
}
