package io.portalusers.api.authscheme;

import io.portalusers.api.SchemeId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;

import java.util.Map;

/**
 * An external IdP user signs in through a scheme (R-AUTH-1): create it the first time,
 * idempotently per (scheme, subject); with an IDP scheme, make its organization and role
 * follow the asserted attributes every time.
 */
public record ProvisionIdpUser(
        SchemeId schemeId,
        String subject,
        Username username,
        EmailAddress email,
        PersonName name,
        Language language,
        Map<String, String> attributes) {

    public ProvisionIdpUser {
        attributes = Map.copyOf(attributes);
    }
}
