package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's User Details page, which is also its Edit page: the user's names, email, language
 * and, for a Global Publisher, its role, changed through the API with the version read (If-Match)
 * and the reason given; and the user's history as the API tells it (who changed what, when, why,
 * before and after). What may be changed, and by whom, is the API's to say (R-EDIT-1..6).
 */
@Controller
class UserDetailsController {

    static final String PATH = ConsoleConfiguration.ROOT + "/users/{id}";

    private final ConsoleApi api;
    private final UsersController users;
    private final OrganizationPicker picker;

    UserDetailsController(ConsoleApi api, UsersController users, OrganizationPicker picker) {
        this.api = api;
        this.users = users;
        this.picker = picker;
    }

    @GetMapping(PATH)
    String details(@AuthenticationPrincipal OidcUser user, @PathVariable String id,
                   @RequestParam(required = false) String at, Model model) {
        String page = page(user, id, null, Map.of(), null, model);
        if (at != null && !at.isBlank() && Boolean.TRUE.equals(model.getAttribute("found"))) {
            asOf(id, at.strip(), model);
        }
        return page;
    }

    /** One field of the account at the instant chosen, and now; {@code changed} when the two differ. */
    public record Then(String field, String then, String now, boolean changed) {
    }

    /**
     * The account as it was at {@code at} (the API rebuilds it from its events, R-AUD-2), beside
     * the account now. The instant is read as UTC unless it says otherwise; a blank in place of the
     * {@code T} and missing seconds are allowed. What the API refuses, it says why.
     */
    private void asOf(String id, String at, Model model) {
        String instant = at.replace(' ', 'T');
        if (instant.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}")) {
            instant += ":00";
        }
        if (!instant.matches(".*(Z|[+-]\\d{2}:\\d{2})")) {
            instant += "Z";
        }
        model.addAttribute("at", at);
        String asked = instant;
        ApiAnswer then = api.get(b -> b.path("/api/users/{id}").queryParam("at", "{at}").build(id, asked));
        if (!then.ok()) {
            model.addAttribute("thenProblem", then.problem());
            return;
        }
        ApiAnswer now = api.get("/api/users/{id}", id);
        OrganizationNames organizations = new OrganizationNames().loadAllIn(api, then.body());
        if (now.ok()) {
            organizations.loadAllIn(api, now.body());
        }
        Map<String, String> past = fields(then.body(), organizations);
        Map<String, String> present = now.ok() ? fields(now.body(), organizations) : Map.of();
        List<Then> rows = new ArrayList<>();
        past.forEach((field, value) -> rows.add(new Then(field, value, present.getOrDefault(field, ""),
                !value.equals(present.getOrDefault(field, value)))));
        model.addAttribute("then", rows);
        model.addAttribute("thenInstant", Times.shown(instant));
    }

    private static Map<String, String> fields(JsonNode u, OrganizationNames organizations) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Username", u.path("username").asText());
        fields.put("Email", u.path("email").asText());
        fields.put("First name", u.path("firstName").asText());
        fields.put("Last name", u.path("lastName").asText());
        fields.put("Language", Labels.LANGUAGES.getOrDefault(u.path("language").asText(), u.path("language").asText()));
        fields.put("Role", Labels.role(u.path("role").asText()));
        List<String> memberships = new ArrayList<>();
        for (JsonNode membership : u.path("memberships")) {
            String organization = membership.path("organizationId").asText();
            memberships.add(organizations.of(organization) + " ("
                    + Labels.role(membership.path("role").asText()) + ")");
        }
        fields.put("Organizations", String.join(", ", memberships));
        fields.put("Enabled", u.path("enabled").asBoolean() ? "yes" : "no");
        fields.put("Activation", "PENDING".equals(u.path("activation").asText()) ? "Pending" : "Active");
        JsonNode invitation = u.path("invitation");
        fields.put("Invitation", invitation.isMissingNode() || invitation.isNull() ? ""
                : invitation.path("status").asText().toLowerCase(java.util.Locale.ROOT));
        fields.put("Version", u.path("version").asText());
        fields.put("Last changed", Times.shown(u.path("updatedAt")));
        return fields;
    }

    @PostMapping(PATH)
    String edit(@AuthenticationPrincipal OidcUser user, @PathVariable String id, @RequestParam long version,
                @RequestParam String firstName, @RequestParam String lastName, @RequestParam String email,
                @RequestParam String language, @RequestParam(required = false) String role,
                @RequestParam(defaultValue = "") String reason, Model model, RedirectAttributes redirect) {
        ApiAnswer current = api.get("/api/users/{id}", id);
        if (!current.ok()) {
            return page(user, id, current.problem(), Map.of(), null, model);
        }
        JsonNode before = current.body();
        Map<String, String> headers = new HashMap<>();
        headers.put("If-Match", "\"" + version + "\"");
        if (!reason.isBlank()) {
            headers.put("X-Reason", URLEncoder.encode(reason.strip(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        if (!firstName.strip().equals(before.path("firstName").asText()) || !lastName.strip().equals(before.path("lastName").asText())) {
            changes.put("firstName", firstName.strip());
            changes.put("lastName", lastName.strip());
        }
        if (!email.strip().equals(before.path("email").asText())) {
            changes.put("email", email.strip());
        }
        if (!language.equals(before.path("language").asText())) {
            changes.put("language", language);
        }
        long expected = version;
        if (!changes.isEmpty()) {
            ApiAnswer edited = api.send(HttpMethod.PATCH, changes, headers, "/api/users/{id}", id);
            if (!edited.ok()) {
                return page(user, id, edited.problem(), edited.fieldErrors(), reason, model);
            }
            expected = edited.body().path("version").asLong();
            headers.put("If-Match", "\"" + expected + "\"");
        }
        if (role != null && !role.isBlank() && !role.equals(before.path("role").asText())) {
            ApiAnswer changed = api.send(HttpMethod.PUT, Map.of("role", role), headers, "/api/users/{id}/role", id);
            if (!changed.ok()) {
                return page(user, id, changed.problem(), changed.fieldErrors(), reason, model);
            }
            expected = changed.body().path("version").asLong();
        }
        if (expected == version) {
            redirect.addFlashAttribute("notice", "Nothing changed.");
        } else {
            users.caughtUpTo(id, expected);
            redirect.addFlashAttribute("notice", "Saved.");
        }
        return "redirect:" + ConsoleConfiguration.ROOT + "/users/" + id;
    }

    /** A Developer's organizations and roles (R-EDIT-2..4): the pairs whose organization is chosen replace the memberships. */
    @PostMapping(PATH + "/memberships")
    String memberships(@AuthenticationPrincipal OidcUser user, @PathVariable String id, @RequestParam long version,
                       @RequestParam(name = "organization", required = false) List<String> organization,
                       @RequestParam(name = "membershipRole", required = false) List<String> membershipRole,
                       @RequestParam(defaultValue = "") String reason, Model model, RedirectAttributes redirect) {
        List<Map<String, String>> pairs = new ArrayList<>();
        List<String> chosen = organization == null ? List.of() : organization;
        for (int i = 0; i < chosen.size(); i++) {
            if (!chosen.get(i).isBlank()) {
                pairs.add(Map.of("organizationId", chosen.get(i), "role",
                        membershipRole != null && i < membershipRole.size() ? membershipRole.get(i) : "DEVELOPER"));
            }
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("If-Match", "\"" + version + "\"");
        if (!reason.isBlank()) {
            headers.put("X-Reason", URLEncoder.encode(reason.strip(), StandardCharsets.UTF_8).replace("+", "%20"));
        }
        ApiAnswer changed = api.send(HttpMethod.PUT, Map.of("memberships", pairs), headers, "/api/users/{id}/memberships", id);
        if (!changed.ok()) {
            return page(user, id, changed.problem(), changed.fieldErrors(), reason, model);
        }
        users.caughtUpTo(id, changed.body().path("version").asLong());
        redirect.addFlashAttribute("notice", "Saved.");
        return "redirect:" + ConsoleConfiguration.ROOT + "/users/" + id;
    }

    /** One organization and role pair of the memberships form; blank where the row offers a new one. */
    public record Pair(int index, String organizationId, String role) {
    }

    private String page(OidcUser user, String id, String problem, Map<String, String> errors, String reason, Model model) {
        SignedInAdmin admin = SignedInAdmin.of(user, api);
        model.addAttribute("admin", admin);
        model.addAttribute("problem", problem);
        model.addAttribute("errors", errors);
        model.addAttribute("reason", reason == null ? "" : reason);
        ApiAnswer read = api.get("/api/users/{id}", id);
        model.addAttribute("found", read.ok());
        if (!read.ok()) {
            model.addAttribute("problem", read.problem());
            return "console/user";
        }
        JsonNode u = read.body();
        OrganizationNames organizations = new OrganizationNames().loadAllIn(api, u);
        model.addAttribute("u", UserRow.of(u, admin, organizations));
        model.addAttribute("firstName", u.path("firstName").asText());
        model.addAttribute("lastName", u.path("lastName").asText());
        model.addAttribute("language", u.path("language").asText());
        model.addAttribute("roleValue", u.path("role").asText());
        model.addAttribute("version", u.path("version").asLong());
        boolean portalManaged = "PORTAL".equals(u.path("source").asText());
        boolean publisher = List.of("PORTAL_ADMIN", "API_OWNER").contains(u.path("role").asText());
        model.addAttribute("editable", portalManaged && !admin.id().equals(u.path("id").asText()));
        model.addAttribute("publisher", publisher);
        model.addAttribute("languages", Labels.LANGUAGES);
        model.addAttribute("history", history(id, organizations));
        boolean developer = "DEVELOPER".equals(u.path("role").asText());
        model.addAttribute("developer", developer);
        if (developer) {
            List<Pair> pairs = new ArrayList<>();
            for (JsonNode membership : u.path("memberships")) {
                pairs.add(new Pair(pairs.size(), membership.path("organizationId").asText(), membership.path("role").asText()));
            }
            int offered = pairs.size() + 2;
            while (pairs.size() < offered) {
                pairs.add(new Pair(pairs.size(), "", "DEVELOPER"));
            }
            model.addAttribute("pairs", pairs);
            model.addAttribute("organizationChoices", picker.choices(null, pairs.stream().map(Pair::organizationId).toList()));
            model.addAttribute("membershipsEditable", !admin.id().equals(u.path("id").asText()));
        }
        return "console/user";
    }

    /** One line of the user's history: when, what, who, why, and what changed from what to what. */
    public record Entry(String time, String type, String actor, String reason, List<String> changes, String instant) {
    }

    private List<Entry> history(String id, OrganizationNames organizations) {
        ApiAnswer history = api.get(b -> b.path("/api/users/{id}/history").queryParam("size", "100").build(id));
        organizations.loadAllIn(api, history.body());
        List<Entry> entries = new ArrayList<>();
        for (JsonNode entry : history.body().path("items")) {
            List<String> changes = new ArrayList<>();
            for (JsonNode change : entry.path("changes")) {
                changes.add(change.path("field").asText() + ": " + shown(change.path("before")) + " → " + shown(change.path("after")));
            }
            for (JsonNode added : entry.path("memberships").path("added")) {
                changes.add("added to " + organizations.of(added.path("organizationId").asText())
                        + " as " + Labels.role(added.path("role").asText()));
            }
            for (JsonNode removed : entry.path("memberships").path("removed")) {
                changes.add("removed from " + organizations.of(removed.path("organizationId").asText()));
            }
            entries.add(new Entry(entry.path("time").asText().replace('T', ' ').replaceAll("\\.\\d+Z$", " UTC"),
                    entry.path("type").asText(), entry.path("actor").path("name").asText(entry.path("actor").path("id").asText()),
                    entry.path("reason").asText(""), changes, entry.path("time").asText()));
        }
        return entries;
    }

    private static String shown(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "(none)" : value.isTextual() ? value.asText() : value.toString();
    }
}
