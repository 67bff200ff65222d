package io.portalusers.api.settings;

/**
 * The portal-wide switches of R-SET-1. A fresh install has them all off: portal-managed
 * users, no self-registration.
 */
public record PortalSettings(
        boolean ssoEnabled,
        boolean thirdPartyRegistrationEnabled,
        boolean registrationWorkflowEnabled) {

    public static final PortalSettings DEFAULTS = new PortalSettings(false, false, false);

    /** The one settings aggregate of a portal. */
    public static final String ID = "portal-settings";
}
