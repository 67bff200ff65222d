package io.portalusers.api.user;

/** Where an account is managed: here, or provisioned from an identity provider's scheme. */
public enum UserSource {
    PORTAL,
    IDP
}
