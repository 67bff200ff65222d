package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;

/** A pending request nobody decided on within {@code portal.registration.expiry}; no organization is created. */
public record RegistrationExpired(
        @DataSubject RegistrationId registrationId,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        OrganizationName organizationName) {
}
