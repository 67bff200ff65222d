package io.portalusers.api.registration;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.ErasedWith;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;

/**
 * R-REG-3: the registration is accepted, at once ({@code approved} false) or by a Portal
 * Admin ({@code approved} true, the actor in the metadata). The organization and the user
 * are created next under these ids; the organization name is reserved until then.
 */
public record RegistrationAccepted(
        @DataSubject RegistrationId registrationId,
        OrganizationId organizationId,
        @ErasedWith UserId userId,
        @PersonalData Username username,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        OrganizationName organizationName,
        boolean approved) {
}
