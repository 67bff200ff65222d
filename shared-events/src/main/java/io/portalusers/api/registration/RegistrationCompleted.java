package io.portalusers.api.registration;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;

/** The organization and its Org Admin of an accepted registration exist; the user was invited. */
public record RegistrationCompleted(RegistrationId registrationId, OrganizationId organizationId, UserId userId) {
}
