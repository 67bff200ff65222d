package io.portalusers.api.user;

public enum UserCategory {
    GLOBAL_PUBLISHER,
    ORG_USER
}
