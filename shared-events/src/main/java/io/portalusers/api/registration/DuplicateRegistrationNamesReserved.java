package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.Username;

/**
 * R-REG-4: a registration without the workflow that named an existing user's email or
 * username ({@link DuplicateRegistrationAttempted} just before) reserves its organization name
 * and its username as an accepted registration does, so that no later answer differs from the
 * one a fresh registration would have left. Nothing is created, and no organization or user
 * will come to take the names over: they stay reserved, as a fresh registration's
 * organization and user keep them.
 */
public record DuplicateRegistrationNamesReserved(
        @DataSubject RegistrationId registrationId,
        OrganizationName organizationName,
        @PersonalData Username username) {
}
