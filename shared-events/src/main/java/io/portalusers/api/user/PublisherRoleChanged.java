package io.portalusers.api.user;

import io.portalusers.api.UserId;

public record PublisherRoleChanged(UserId userId, Role role) {
}
