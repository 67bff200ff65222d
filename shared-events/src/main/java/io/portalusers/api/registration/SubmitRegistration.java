package io.portalusers.api.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * An anonymous visitor registers themselves and a new organization (R-REG-1). Sent without
 * an actor; the terms must have been accepted.
 */
public record SubmitRegistration(
        @TargetAggregateIdentifier RegistrationId registrationId,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        OrganizationName organizationName,
        boolean termsAccepted) {
}
