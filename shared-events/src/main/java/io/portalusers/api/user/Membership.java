package io.portalusers.api.user;

import io.portalusers.api.OrganizationId;

import java.util.Objects;

/** One (organization, org role) pair of an Org User. */
public record Membership(OrganizationId organizationId, Role role) {

    public Membership {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(role, "role");
        if (role.category() != UserCategory.ORG_USER) {
            throw new IllegalArgumentException("a membership's role is an org role");
        }
    }
}
