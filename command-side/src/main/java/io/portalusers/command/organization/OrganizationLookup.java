package io.portalusers.command.organization;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.organization.OrganizationCreated;
import io.portalusers.api.organization.OrganizationName;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Organization names, case-folded, under a unique constraint (R-ORG-1). Written in the
 * transaction that appends the event: a taken name rolls the whole command back.
 */
@Component
@ProcessingGroup("command-lookups")
public class OrganizationLookup {

    private final JdbcClient jdbc;

    OrganizationLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean exists(OrganizationId organizationId) {
        return jdbc.sql("select count(*) from organization_lookup where organization_id = ?")
                .param(organizationId.value())
                .query(Integer.class)
                .single() > 0;
    }

    public Optional<OrganizationId> findByName(OrganizationName name) {
        return jdbc.sql("select organization_id from organization_lookup where name_key = ?")
                .param(name.key())
                .query((rs, n) -> new OrganizationId(rs.getObject(1, UUID.class)))
                .optional();
    }

    @EventHandler
    void on(OrganizationCreated event) {
        jdbc.sql("insert into organization_lookup (organization_id, name_key) values (?, ?)")
                .params(event.organizationId().value(), event.name().key())
                .update();
    }
}
