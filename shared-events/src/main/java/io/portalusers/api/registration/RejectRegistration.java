package io.portalusers.api.registration;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A Portal Admin rejects a pending registration request, with a reason (R-REG-2). */
public record RejectRegistration(@TargetAggregateIdentifier RegistrationId registrationId, String reason) {
}
