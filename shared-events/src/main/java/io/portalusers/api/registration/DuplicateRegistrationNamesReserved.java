package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;

/**
 * R-REG-4: a registration without the workflow that named an existing user's email or
 * username ({@link DuplicateRegistrationAttempted} just before) reserves its organization name
 * as an accepted registration does, so that no later answer differs from the one a fresh
 * registration would have left. Nothing is created, and no organization will come to take the
 * name over: it stays reserved, as an accepted registration's organization keeps it.
 */
public record DuplicateRegistrationNamesReserved(
        RegistrationId registrationId,
        OrganizationName organizationName) {
}
