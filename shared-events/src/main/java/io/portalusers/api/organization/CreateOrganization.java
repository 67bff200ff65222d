package io.portalusers.api.organization;

import io.portalusers.api.OrganizationId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CreateOrganization(
        @TargetAggregateIdentifier OrganizationId organizationId,
        OrganizationName name,
        AccountPlan accountPlan) {
}
