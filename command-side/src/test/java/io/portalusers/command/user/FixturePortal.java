package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.authscheme.AuthorizationType;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The portal around a fixture's user: what the lookups would say, set by each test's given. */
class FixturePortal implements PortalState {

    boolean sso;
    final Set<OrganizationId> organizations = new HashSet<>();
    final Map<SchemeId, AuthorizationType> schemes = new HashMap<>();
    final Set<UserId> enabledPortalAdmins = new HashSet<>();

    @Override
    public boolean ssoEnabled() {
        return sso;
    }

    @Override
    public boolean organizationExists(OrganizationId organization) {
        return organizations.contains(organization);
    }

    @Override
    public Optional<AuthorizationType> authorizationTypeOf(SchemeId scheme) {
        return Optional.ofNullable(schemes.get(scheme));
    }

    @Override
    public Set<UserId> lockEnabledPortalAdmins() {
        return new HashSet<>(enabledPortalAdmins);
    }
}
