package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** A Global Publisher's role, to the other role of its category (R-EDIT-2, R-EDIT-5). */
public record ChangePublisherRole(
        @TargetAggregateIdentifier UserId userId,
        Role role,
        @TargetAggregateVersion Long expectedVersion) {
}
