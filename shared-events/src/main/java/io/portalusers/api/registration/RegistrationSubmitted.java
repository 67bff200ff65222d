package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;

import java.time.Instant;

/**
 * A visitor's registration was received. With the workflow ({@code awaitsApproval}) it
 * waits for a Portal Admin until {@code expiresAt}; without it, {@link RegistrationAccepted}
 * follows at once and {@code expiresAt} is null. The notifier sends the "request received"
 * email for one that awaits approval.
 */
public record RegistrationSubmitted(
        @DataSubject RegistrationId registrationId,
        @PersonalData Username username,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        OrganizationName organizationName,
        boolean awaitsApproval,
        Instant expiresAt) {
}
