package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The portal's "Resend Activation Email" (R-ADD-7): a new invitation for a pending user. */
public record ResendActivationEmail(@TargetAggregateIdentifier UserId userId) {
}
