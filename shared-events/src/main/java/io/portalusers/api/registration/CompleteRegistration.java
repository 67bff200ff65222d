package io.portalusers.api.registration;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sent by the service itself once the organization and the user of an accepted registration exist. */
public record CompleteRegistration(@TargetAggregateIdentifier RegistrationId registrationId) {
}
