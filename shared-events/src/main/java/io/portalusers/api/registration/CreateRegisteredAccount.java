package io.portalusers.api.registration;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * R-REG-3: the organization of an accepted registration and its Org Admin (pending
 * activation, invited), created together or not at all. Sent by the service itself (the
 * registration process), never over HTTP; repeating it changes nothing.
 */
public record CreateRegisteredAccount(
        RegistrationId registrationId,
        @TargetAggregateIdentifier OrganizationId organizationId,
        OrganizationName organizationName,
        UserId userId,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language) {
}
