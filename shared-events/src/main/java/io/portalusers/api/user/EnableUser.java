package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** R-STATE-1. */
public record EnableUser(
        @TargetAggregateIdentifier UserId userId,
        @TargetAggregateVersion Long expectedVersion) {
}
