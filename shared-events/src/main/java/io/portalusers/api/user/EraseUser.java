package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** R-ERASE-1: shred a disabled user's personal data; {@code reason} is recorded, so it names no one. */
public record EraseUser(@TargetAggregateIdentifier UserId userId, String reason) {
}
