package io.portalusers.query.organizations;

import io.portalusers.api.organization.AccountPlanChanged;
import io.portalusers.api.organization.OrganizationCreated;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Folds organization events into {@code organization_view}. Its token is stored in the same
 * transaction as the rows; the version guard makes a redelivered event change nothing.
 */
@Component
@ProcessingGroup(OrganizationsProjection.NAME)
class OrganizationsProjection {

    static final String NAME = "organizations";

    private final JdbcClient jdbc;

    OrganizationsProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(OrganizationCreated event, @SequenceNumber long version, @Timestamp Instant at) {
        jdbc.sql("""
                        insert into organization_view (organization_id, name, account_plan, created_at, updated_at, version)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (organization_id) do nothing""")
                .params(event.organizationId().value(), event.name().value(), event.accountPlan().value(),
                        at.atOffset(ZoneOffset.UTC), at.atOffset(ZoneOffset.UTC), version)
                .update();
    }

    @EventHandler
    void on(AccountPlanChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        jdbc.sql("""
                        update organization_view set account_plan = ?, updated_at = ?, version = ?
                        where organization_id = ? and version < ?""")
                .params(event.accountPlan().value(), at.atOffset(ZoneOffset.UTC), version,
                        event.organizationId().value(), version)
                .update();
    }

    @ResetHandler
    void reset() {
        jdbc.sql("delete from organization_view").update();
    }
}
