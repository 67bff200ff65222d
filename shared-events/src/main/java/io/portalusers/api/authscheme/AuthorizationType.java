package io.portalusers.api.authscheme;

/**
 * R-AUTH-1: where the organizations and roles of a scheme's users come from. PORTAL: they
 * are assigned here (and new publishers of the scheme cannot be provisioned). IDP: they
 * follow the identity provider's attributes on each provisioning.
 */
public enum AuthorizationType {
    PORTAL,
    IDP
}
