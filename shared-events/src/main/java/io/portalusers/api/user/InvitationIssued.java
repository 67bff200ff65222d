package io.portalusers.api.user;

import io.portalusers.api.UserId;

import java.time.Instant;

/**
 * An activation invitation was issued (R-ADD-7, R-ACT-2); every earlier one of the user is
 * void from now on. The token itself is never part of an event (R-ACT-3).
 */
public record InvitationIssued(UserId userId, InvitationId invitationId, Instant expiresAt) {
}
