package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One user as the Users page lists it, with the actions offered to the signed-in admin: none
 * on its own account (R-EDIT-1); a Portal Admin's on anyone; an Org Admin's on the
 * portal-managed users of its organizations (R-STATE-1). Resend only while the account is
 * pending. These only choose what to offer; the API still decides, and says why when it refuses.
 */
public record UserRow(String id, String name, String username, String email, String role, String organizations,
               String state, String stateLabel, String invitation, long version,
               boolean mayEnable, boolean mayDisable, boolean mayResend, String refusal) {

    static UserRow of(JsonNode user, SignedInAdmin admin, OrganizationNames organizationNames) {
        String id = user.path("id").asText();
        boolean enabled = user.path("enabled").asBoolean();
        boolean pending = "PENDING".equals(user.path("activation").asText());
        String state = !enabled ? "disabled" : pending ? "pending" : "active";
        String stateLabel = !enabled ? "Disabled" : pending ? "Pending activation" : "Active";
        List<String> organizations = new ArrayList<>();
        boolean inAdministered = false;
        for (JsonNode membership : user.path("memberships")) {
            String organization = membership.path("organizationId").asText();
            inAdministered |= admin.administers().contains(organization);
            organizations.add(organizationNames.of(organization)
                    + " (" + Labels.role(membership.path("role").asText()) + ")");
        }
        boolean self = id.equals(admin.id());
        boolean portalManaged = "PORTAL".equals(user.path("source").asText());
        boolean mayAct = !self && (admin.portalAdmin() || (portalManaged && inAdministered));
        return new UserRow(id,
                (user.path("firstName").asText() + " " + user.path("lastName").asText()).strip(),
                user.path("username").asText(), user.path("email").asText(),
                Labels.role(user.path("role").asText()), String.join(", ", organizations), state, stateLabel,
                pending ? invitation(user.path("invitation")) : "", user.path("version").asLong(),
                mayAct && !enabled, mayAct && enabled, mayAct && enabled && pending && portalManaged, null);
    }

    UserRow refused(String why) {
        return new UserRow(id, name, username, email, role, organizations, state, stateLabel, invitation, version,
                mayEnable, mayDisable, mayResend, why);
    }

    /** The latest invitation's email, as the seed's admin wants to know it: sent, failed, waiting. */
    private static String invitation(JsonNode invitation) {
        if (invitation.isMissingNode() || invitation.isNull()) {
            return "";
        }
        String delivery = invitation.path("delivery").path("status").asText("");
        return switch (delivery) {
            case "SENT" -> "Invitation sent";
            case "FAILED" -> "Invitation email failed";
            case "PENDING" -> "Invitation being sent";
            default -> "USED".equals(invitation.path("status").asText()) ? "" : "Invitation " + invitation.path("status").asText().toLowerCase();
        };
    }
}
