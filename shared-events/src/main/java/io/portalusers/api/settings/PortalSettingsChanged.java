package io.portalusers.api.settings;

public record PortalSettingsChanged(String settingsId, PortalSettings settings) {
}
