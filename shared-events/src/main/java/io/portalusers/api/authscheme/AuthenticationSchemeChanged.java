package io.portalusers.api.authscheme;

import io.portalusers.api.SchemeId;

public record AuthenticationSchemeChanged(
        SchemeId schemeId, SchemeName name, AttributeMappings mappings, AuthorizationType authorizationType) {
}
