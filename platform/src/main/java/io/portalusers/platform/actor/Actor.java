package io.portalusers.platform.actor;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A caller as this service knows it: its role and memberships come from events, never from a token.
 *
 * <p>Or an identity provider's SCIM client ({@link #provisioner}): no user, it holds no role and
 * no membership, so every rule that asks for a Portal Admin or an Org Admin refuses it; the rules
 * that let an identity provider keep its own scheme's users up to date ask {@link #provisions}.
 */
public record Actor(UserId userId, Role accountRole, UserSource source, boolean enabled, List<Membership> memberships,
                    SchemeId provisionedScheme) {

    public Actor {
        memberships = List.copyOf(memberships);
    }

    public Actor(UserId userId, Role accountRole, UserSource source, boolean enabled, List<Membership> memberships) {
        this(userId, accountRole, source, enabled, memberships, null);
    }

    /**
     * The SCIM client {@code clientId}, provisioning the users of {@code scheme}. Its user id is
     * a name-based (version 3) UUID of the client id: never one a user is given (those are
     * random, version 4), so no rule about "the actor's own account" ever matches it.
     */
    public static Actor provisioner(String clientId, SchemeId scheme) {
        UUID id = UUID.nameUUIDFromBytes(("client:" + clientId).getBytes(StandardCharsets.UTF_8));
        return new Actor(new UserId(id), null, UserSource.IDP, true, List.of(), scheme);
    }

    /** Whether this is the SCIM client of {@code scheme}, which provisions that scheme's users. */
    public boolean provisions(SchemeId scheme) {
        return enabled && provisionedScheme != null && provisionedScheme.equals(scheme);
    }

    public boolean isPortalAdmin() {
        return enabled && accountRole == Role.PORTAL_ADMIN;
    }

    public boolean isOrgUser() {
        return accountRole != null && accountRole.category() == UserCategory.ORG_USER;
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
