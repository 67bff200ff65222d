package io.portalusers.api.user;

import io.portalusers.api.UserId;

public record UserEmailChanged(UserId userId, EmailAddress email) {
}
