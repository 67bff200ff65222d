package io.portalusers.api.organization;

import io.portalusers.api.OrganizationId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

public record ChangeAccountPlan(
        @TargetAggregateIdentifier OrganizationId organizationId,
        AccountPlan accountPlan,
        @TargetAggregateVersion Long expectedVersion) {
}
