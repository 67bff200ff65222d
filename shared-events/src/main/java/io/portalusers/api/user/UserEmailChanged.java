package io.portalusers.api.user;

import io.portalusers.api.UserId;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;

public record UserEmailChanged(@DataSubject UserId userId, @PersonalData EmailAddress email) {
}
