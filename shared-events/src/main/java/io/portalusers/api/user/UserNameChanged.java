package io.portalusers.api.user;

import io.portalusers.api.UserId;

public record UserNameChanged(UserId userId, PersonName name) {
}
