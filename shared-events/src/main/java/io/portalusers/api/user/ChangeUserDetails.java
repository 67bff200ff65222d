package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

/** Edit names, email and language (R-EDIT-2); a null field stays as it is. */
public record ChangeUserDetails(
        @TargetAggregateIdentifier UserId userId,
        PersonName name,
        EmailAddress email,
        Language language,
        @TargetAggregateVersion Long expectedVersion) {
}
