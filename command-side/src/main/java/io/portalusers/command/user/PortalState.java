package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.authscheme.AuthorizationType;

import java.util.Optional;
import java.util.Set;

/**
 * What the User aggregate's rules need to know of the rest of the portal, read in the
 * command's own transaction from lookups that are never behind the events.
 */
public interface PortalState {

    /** R-ADD-2. */
    boolean ssoEnabled();

    /** R-ADD-4. */
    boolean organizationExists(OrganizationId organization);

    /** R-EDIT-3: the current authorization type of an IdP user's scheme. */
    Optional<AuthorizationType> authorizationTypeOf(SchemeId scheme);

    /**
     * R-STATE-2: the enabled Portal Admins, locked until the transaction ends, so that two
     * admins disabling each other at once cannot both succeed.
     */
    Set<UserId> lockEnabledPortalAdmins();
}
