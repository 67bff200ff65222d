package io.portalusers.api.user;

import io.portalusers.api.UserId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The account setup form was completed with a token of this invitation (R-ACT-1). The
 * password never travels in a command: it is hashed and stored beside it, outside the log.
 */
public record ActivateAccount(@TargetAggregateIdentifier UserId userId, InvitationId invitationId) {
}
