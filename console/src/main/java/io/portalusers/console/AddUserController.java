package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's Add User page: the User Type (Global Publishers with the role Admin or API Owner;
 * Org Users with the kind of account and one or more organization and role pairs), the user's
 * details, and Notify User, checked by default. The API judges the request; its refusals are
 * shown next to the fields they name, in its words, with the rule's id.
 */
@Controller
class AddUserController {

    static final String PATH = ConsoleConfiguration.ROOT + "/users/new";
    /** Organization and role pairs the form offers; more than an Org Admin or Org Publisher may have (one), as a Developer may have several. */
    static final int PAIRS = 3;

    private final ConsoleApi api;
    private final OrganizationPicker picker;

    AddUserController(ConsoleApi api, OrganizationPicker picker) {
        this.api = api;
        this.picker = picker;
    }

    /** What the form sends; its fields keep what was typed when the API refuses it. */
    static final class AddUserForm {
        public String userType = "publishers";
        public String publisherRole = "API_OWNER";
        public String orgRole = "DEVELOPER";
        public List<String> organization = new ArrayList<>(List.of("", "", ""));
        public List<String> membershipRole = new ArrayList<>(List.of("DEVELOPER", "DEVELOPER", "DEVELOPER"));
        public String username = "";
        public String email = "";
        public String firstName = "";
        public String lastName = "";
        public String language = "en";
        /** Notify User, checked by default (a cleared box is told by the marker field Spring's checkbox adds). */
        public boolean notifyUser = true;

        public void setUserType(String userType) { this.userType = userType; }
        public void setPublisherRole(String publisherRole) { this.publisherRole = publisherRole; }
        public void setOrgRole(String orgRole) { this.orgRole = orgRole; }
        public void setOrganization(List<String> organization) { this.organization = padded(organization, ""); }
        public void setMembershipRole(List<String> membershipRole) { this.membershipRole = padded(membershipRole, "DEVELOPER"); }
        public void setUsername(String username) { this.username = username; }
        public void setEmail(String email) { this.email = email; }
        public void setFirstName(String firstName) { this.firstName = firstName; }
        public void setLastName(String lastName) { this.lastName = lastName; }
        public void setLanguage(String language) { this.language = language; }
        public void setNotifyUser(boolean notifyUser) { this.notifyUser = notifyUser; }
        public String getUserType() { return userType; }
        public String getPublisherRole() { return publisherRole; }
        public String getOrgRole() { return orgRole; }
        public List<String> getOrganization() { return organization; }
        public List<String> getMembershipRole() { return membershipRole; }
        public String getUsername() { return username; }
        public String getEmail() { return email; }
        public String getFirstName() { return firstName; }
        public String getLastName() { return lastName; }
        public String getLanguage() { return language; }
        public boolean isNotifyUser() { return notifyUser; }

        private static List<String> padded(List<String> values, String blank) {
            List<String> padded = new ArrayList<>(values == null ? List.of() : values);
            while (padded.size() < PAIRS) {
                padded.add(blank);
            }
            return padded;
        }

        boolean orgUsers() {
            return "org-users".equals(userType);
        }

        /** The request to the API: the pairs whose organization was chosen, in their order. */
        Map<String, Object> request() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("username", username.strip());
            body.put("email", email.strip());
            body.put("firstName", firstName.strip());
            body.put("lastName", lastName.strip());
            body.put("language", language);
            body.put("role", orgUsers() ? orgRole : publisherRole);
            List<Map<String, String>> memberships = new ArrayList<>();
            if (orgUsers()) {
                for (int i = 0; i < organization.size(); i++) {
                    if (organization.get(i) != null && !organization.get(i).isBlank()) {
                        memberships.add(Map.of("organizationId", organization.get(i), "role", membershipRole.get(i)));
                    }
                }
            }
            body.put("memberships", memberships);
            body.put("notify", notifyUser);
            return body;
        }
    }

    @GetMapping(PATH)
    String form(@AuthenticationPrincipal OidcUser user, Model model) {
        return page(user, new AddUserForm(), null, Map.of(), model);
    }

    @PostMapping(PATH)
    String add(@AuthenticationPrincipal OidcUser user, @ModelAttribute("form") AddUserForm form, Model model,
               RedirectAttributes redirect) {
        ApiAnswer created = api.post(form.request(), "/api/users");
        if (!created.ok()) {
            return page(user, form, created.problem(), created.fieldErrors(), model);
        }
        redirect.addFlashAttribute("notice", "User " + form.username.strip() + " added"
                + (form.notifyUser ? "; the activation email is on its way." : "."));
        return "redirect:" + ConsoleConfiguration.ROOT + "/users?tab=" + (form.orgUsers()
                ? ("DEVELOPER".equals(form.orgRole) ? "developers" : "org-users") : "publishers");
    }

    private String page(OidcUser user, AddUserForm form, String problem, Map<String, String> errors, Model model) {
        SignedInAdmin admin = SignedInAdmin.of(user, api);
        model.addAttribute("admin", admin);
        model.addAttribute("form", form);
        model.addAttribute("problem", problem);
        model.addAttribute("errors", errors);
        model.addAttribute("organizationChoices", picker.choices(null, form.organization));
        model.addAttribute("pairs", java.util.stream.IntStream.range(0, PAIRS).boxed().toList());
        model.addAttribute("languages", Labels.LANGUAGES);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", "Username");
        fields.put("email", "Email");
        fields.put("firstName", "First name");
        fields.put("lastName", "Last name");
        model.addAttribute("fields", fields);
        model.addAttribute("values", Map.of("username", form.username, "email", form.email,
                "firstName", form.firstName, "lastName", form.lastName));
        return "console/add-user";
    }
}
