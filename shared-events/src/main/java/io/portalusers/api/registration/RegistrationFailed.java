package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;

/**
 * The organization and user of an accepted registration could not be created (a race lost
 * since acceptance: the organization name, username or email was taken meanwhile). Nothing
 * was created. {@code code} is the refusing rule: R-REG-1 (organization name) or R-ADD-6
 * (username or email).
 */
public record RegistrationFailed(
        @DataSubject RegistrationId registrationId,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        OrganizationName organizationName,
        String code) {
}
