package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.List;

/**
 * Add a portal-managed user (R-ADD-1..7): a Global Publisher with role Portal Admin or API
 * Owner and no memberships, or an Org User whose account kind is Org Admin, Org Publisher or
 * Developer, with its memberships.
 */
public record CreateUser(
        @TargetAggregateIdentifier UserId userId,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        Role accountRole,
        List<Membership> memberships,
        boolean notifyUser) {

    public CreateUser {
        memberships = List.copyOf(memberships);
    }
}
