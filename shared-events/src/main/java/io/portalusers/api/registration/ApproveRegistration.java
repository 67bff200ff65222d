package io.portalusers.api.registration;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A Portal Admin approves a pending registration request (R-REG-2). */
public record ApproveRegistration(@TargetAggregateIdentifier RegistrationId registrationId) {
}
