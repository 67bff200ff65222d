package io.portalusers.api.organization;

import io.portalusers.api.OrganizationId;

public record AccountPlanChanged(OrganizationId organizationId, AccountPlan accountPlan) {
}
