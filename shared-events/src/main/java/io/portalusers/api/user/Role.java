package io.portalusers.api.user;

/**
 * The roles of the portal. Portal Admin and API Owner make a Global Publisher; the others
 * are the kinds of Org User account and the roles of its memberships.
 */
public enum Role {
    PORTAL_ADMIN(UserCategory.GLOBAL_PUBLISHER),
    API_OWNER(UserCategory.GLOBAL_PUBLISHER),
    ORG_ADMIN(UserCategory.ORG_USER),
    ORG_PUBLISHER(UserCategory.ORG_USER),
    DEVELOPER(UserCategory.ORG_USER);

    private final UserCategory category;

    Role(UserCategory category) {
        this.category = category;
    }

    public UserCategory category() {
        return category;
    }
}
