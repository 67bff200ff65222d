package io.portalusers.console;

import java.util.Map;

/** The words the seed's pages use for the API's values. */
final class Labels {

    static final Map<String, String> ROLES = new java.util.LinkedHashMap<>();

    static {
        ROLES.put("PORTAL_ADMIN", "Admin");
        ROLES.put("API_OWNER", "API Owner");
        ROLES.put("ORG_ADMIN", "Org Admin");
        ROLES.put("ORG_PUBLISHER", "Org Publisher");
        ROLES.put("DEVELOPER", "Developer");
    }
    static final Map<String, String> TABS = new java.util.LinkedHashMap<>(Map.of());

    static {
        TABS.put("publishers", "Global Publishers");
        TABS.put("org-users", "Org Users");
        TABS.put("developers", "Developers");
    }

    static final Map<String, String> LANGUAGES = new java.util.LinkedHashMap<>();

    static {
        LANGUAGES.put("en", "English");
        LANGUAGES.put("de", "Deutsch");
        LANGUAGES.put("fr", "Français");
    }

    private Labels() {
    }

    static String role(String role) {
        return ROLES.getOrDefault(role, role);
    }
}
