package io.portalusers.api.organization;

import io.portalusers.api.OrganizationId;

public record OrganizationCreated(OrganizationId organizationId, OrganizationName name, AccountPlan accountPlan) {
}
