package io.portalusers.api.user;

import io.portalusers.api.UserId;

import java.util.List;

/** The user's whole set of memberships after the change; history derives what was added and removed. */
public record MembershipsChanged(UserId userId, List<Membership> memberships) {

    public MembershipsChanged {
        memberships = List.copyOf(memberships);
    }
}
