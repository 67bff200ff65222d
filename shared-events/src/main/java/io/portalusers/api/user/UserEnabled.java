package io.portalusers.api.user;

import io.portalusers.api.UserId;

public record UserEnabled(UserId userId) {
}
