package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;

/**
 * R-REG-2, R-REG-3: a Portal Admin rejected the request (the actor in the metadata); no
 * organization is created. The notifier tells the registrant, with the reason where the
 * setting says so.
 */
public record RegistrationRejected(
        @DataSubject RegistrationId registrationId,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        OrganizationName organizationName,
        @PersonalData String reason) {
}
