package io.portalusers.platform.actor;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A caller as this service knows it: its role and memberships come from events, never from a token. */
public record Actor(UserId userId, Role accountRole, UserSource source, boolean enabled, List<Membership> memberships) {

    public Actor {
        memberships = List.copyOf(memberships);
    }

    public boolean isPortalAdmin() {
        return enabled && accountRole == Role.PORTAL_ADMIN;
    }

    public boolean isOrgUser() {
        return accountRole.category() == UserCategory.ORG_USER;
    }

    public boolean isOrgAdminOf(OrganizationId organization) {
        return enabled && memberships.stream()
                .anyMatch(m -> m.role() == Role.ORG_ADMIN && m.organizationId().equals(organization));
    }

    public Set<OrganizationId> administeredOrganizations() {
        if (!enabled) {
            return Set.of();
        }
        return memberships.stream()
                .filter(m -> m.role() == Role.ORG_ADMIN)
                .map(Membership::organizationId)
                .collect(Collectors.toUnmodifiableSet());
    }
}
