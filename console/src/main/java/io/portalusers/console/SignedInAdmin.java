package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import java.util.HashSet;
import java.util.Set;

/**
 * Who is signed in, as the API shows the account: what the console needs to offer only the
 * actions the admin may take. Offering is a convenience; the API decides every action, and a
 * refusal is shown in its own words.
 */
public record SignedInAdmin(String id, String name, String username, String role, Set<String> administers)
        implements java.io.Serializable {

    static SignedInAdmin of(OidcUser user, ConsoleApi api) {
        ApiAnswer account = api.get("/api/users/{id}", user.getSubject());
        if (!account.ok()) {
            return new SignedInAdmin(user.getSubject(), user.getSubject(), "", "", Set.of());
        }
        JsonNode me = account.body();
        Set<String> administers = new HashSet<>();
        for (JsonNode membership : me.path("memberships")) {
            if ("ORG_ADMIN".equals(membership.path("role").asText())) {
                administers.add(membership.path("organizationId").asText());
            }
        }
        return new SignedInAdmin(user.getSubject(),
                (me.path("firstName").asText() + " " + me.path("lastName").asText()).strip(),
                me.path("username").asText(), me.path("role").asText(), Set.copyOf(administers));
    }

    public boolean portalAdmin() {
        return "PORTAL_ADMIN".equals(role);
    }

    public boolean orgAdmin() {
        return !administers.isEmpty();
    }
}
