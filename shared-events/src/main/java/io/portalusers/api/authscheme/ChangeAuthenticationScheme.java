package io.portalusers.api.authscheme;

import io.portalusers.api.SchemeId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

public record ChangeAuthenticationScheme(
        @TargetAggregateIdentifier SchemeId schemeId,
        SchemeName name,
        AttributeMappings mappings,
        AuthorizationType authorizationType,
        @TargetAggregateVersion Long expectedVersion) {
}
