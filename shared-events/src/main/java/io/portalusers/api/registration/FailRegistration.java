package io.portalusers.api.registration;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Sent by the service itself when the organization and user of an accepted registration
 * could not be created; {@code code} is the stable code of the refusal (a rule id).
 */
public record FailRegistration(@TargetAggregateIdentifier RegistrationId registrationId, String code) {
}
