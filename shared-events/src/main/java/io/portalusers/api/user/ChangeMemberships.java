package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

import java.util.List;

/** A Developer's whole set of memberships, replacing the one it has (R-EDIT-2..4). */
public record ChangeMemberships(
        @TargetAggregateIdentifier UserId userId,
        List<Membership> memberships,
        @TargetAggregateVersion Long expectedVersion) {

    public ChangeMemberships {
        memberships = List.copyOf(memberships);
    }
}
