package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Creates the configured first Portal Admin of a fresh install (R-SET-2), invited at once when
 * {@code invite} (so that it can set a password and sign in). Never sent over HTTP.
 */
public record BootstrapPortalAdmin(
        @TargetAggregateIdentifier UserId userId,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        boolean invite) {
}
