package io.portalusers.command.registration;

import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Username;

import java.util.Optional;

/**
 * What the Registration aggregate's rules need to know of the rest of the portal, read in
 * the command's own transaction from lookups that are never behind the events.
 */
public interface RegistrationChecks {

    /** R-SET-1: whether registration is open and whether it waits for approval. */
    PortalSettings settings();

    /**
     * R-REG-1: an organization has this name, or a registration reserved it: an accepted one,
     * or one without the workflow that named an existing user's email or username (R-REG-4).
     */
    boolean organizationNameTaken(OrganizationName name);

    /** R-REG-4, R-ADD-6: the user whose email this is. */
    Optional<UserId> userWithEmail(EmailAddress email);

    /** R-REG-4, R-ADD-6: the user with this username. */
    Optional<UserId> userWithUsername(Username username);

    /**
     * R-REG-4: a registration holds this username: an accepted one whose user is not created
     * yet, or one without the workflow that named an existing user's email (for good, as the
     * user of a fresh one would have it).
     */
    boolean usernameReserved(Username username);
}
