package io.portalusers.api.registration;

import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.privacy.DataSubject;
import io.portalusers.api.privacy.PersonalData;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;

/**
 * R-REG-4: a registration named an email or a username that belongs to an existing user, or
 * a username another registration holds. Nothing is created, and the visitor got the same
 * answer as for any registration; this event is for the log and the notifier only.
 * {@code emailOwner} is the user whose email it is (the notice "someone tried to register
 * with your email" goes to that user); {@code usernameOwner} the user with that username;
 * either may be null, and both are when a registration holds the username (one accepted
 * whose user is not created yet, or one that named an existing email).
 */
public record DuplicateRegistrationAttempted(
        @DataSubject RegistrationId registrationId,
        @PersonalData Username username,
        @PersonalData EmailAddress email,
        @PersonalData PersonName name,
        Language language,
        OrganizationName organizationName,
        UserId emailOwner,
        UserId usernameOwner) {
}
