package io.portalusers.api.authscheme;

import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

import java.util.Map;

/**
 * An identity provider's client brings an external IdP user of its scheme to what it holds, as
 * one change (a SCIM replace or patch): its details (a null one stays), its role and
 * organizations from {@code attributes} when the scheme follows the identity provider and
 * {@code subject} is the one the user is linked by (none when {@code attributes} is empty), and
 * whether it is active (null: as it is). Either all of it is applied or none of it, and
 * {@code expectedVersion}, when given, holds for all of it.
 */
public record UpdateIdpUser(
        @TargetAggregateIdentifier UserId userId,
        SchemeId schemeId,
        String subject,
        PersonName name,
        EmailAddress email,
        Language language,
        Map<String, String> attributes,
        Boolean active,
        @TargetAggregateVersion Long expectedVersion) {

    public UpdateIdpUser {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
