package io.portalusers.api.authscheme;

import io.portalusers.api.SchemeId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CreateAuthenticationScheme(
        @TargetAggregateIdentifier SchemeId schemeId,
        SchemeName name,
        AttributeMappings mappings,
        AuthorizationType authorizationType) {
}
