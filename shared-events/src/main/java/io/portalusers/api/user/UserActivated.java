package io.portalusers.api.user;

import io.portalusers.api.UserId;

/** The account was activated (R-ACT-1); nothing of the password or token is here (R-ACT-3). */
public record UserActivated(UserId userId) {
}
