package io.portalusers.api.user;

import io.portalusers.api.UserId;

public record UserLanguageChanged(UserId userId, Language language) {
}
