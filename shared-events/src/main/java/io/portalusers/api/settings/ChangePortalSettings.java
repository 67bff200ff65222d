package io.portalusers.api.settings;

import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;

public record ChangePortalSettings(
        @TargetAggregateIdentifier String settingsId,
        PortalSettings settings,
        @TargetAggregateVersion Long expectedVersion) {

    public ChangePortalSettings(PortalSettings settings, Long expectedVersion) {
        this(PortalSettings.ID, settings, expectedVersion);
    }
}
