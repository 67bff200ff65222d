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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Authentication schemes page: the schemes (their name, authorization type and how they
 * read an identity provider's attributes), a form to add one, and a page per scheme to change
 * it with the version read. Only Portal Admins manage schemes (R-AUTH-1); the API says so to
 * anyone else, and judges every field.
 */
@Controller
class AuthenticationSchemesController {

    static final String PATH = ConsoleConfiguration.ROOT + "/authentication-schemes";

    private final ConsoleApi api;

    AuthenticationSchemesController(ConsoleApi api) {
        this.api = api;
    }

    /** A scheme as the form shows it; its role values one per line, "value = Role". */
    public record SchemeForm(String id, String name, String authorizationType, String organizationAttribute,
                             String roleAttribute, String roleValues, long version, String updated) {

        static SchemeForm blank() {
            return new SchemeForm("", "", "IDP", "", "", "", -1, "");
        }

        static SchemeForm of(JsonNode scheme) {
            List<String> lines = new ArrayList<>();
            scheme.path("roleValues").fields().forEachRemaining(
                    value -> lines.add(value.getKey() + " = " + Labels.role(value.getValue().asText())));
            return new SchemeForm(scheme.path("id").asText(), scheme.path("name").asText(),
                    scheme.path("authorizationType").asText(), scheme.path("organizationAttribute").asText(),
                    scheme.path("roleAttribute").asText(), String.join("\n", lines), scheme.path("version").asLong(),
                    Times.shown(scheme.path("updatedAt")));
        }

        /** The role values' lines, to list them. */
        public List<String> lines() {
            return roleValues.isBlank() ? List.of() : List.of(roleValues.split("\n"));
        }

        /** What the API takes: the role values read from their lines, a role by its word here or the API's. */
        Map<String, Object> body() {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : roleValues.split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                int equals = line.lastIndexOf('=');
                String value = equals < 0 ? line.strip() : line.substring(0, equals).strip();
                values.put(value, equals < 0 ? null : role(line.substring(equals + 1).strip()));
            }
            return ConsoleApi.map("name", name.strip(), "authorizationType", authorizationType,
                    "mappings", ConsoleApi.map("organizationAttribute", organizationAttribute.strip(),
                            "roleAttribute", roleAttribute.strip(), "roleValues", values));
        }

        private static String role(String word) {
            for (Map.Entry<String, String> role : Labels.ROLES.entrySet()) {
                if (role.getValue().equalsIgnoreCase(word) || role.getKey().equalsIgnoreCase(word)) {
                    return role.getKey();
                }
            }
            return word.toUpperCase(Locale.ROOT).replace(' ', '_');
        }
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal OidcUser user, Model model) {
        return listPage(user, SchemeForm.blank(), null, Map.of(), model);
    }

    @PostMapping(PATH)
    String create(@AuthenticationPrincipal OidcUser user, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "IDP") String authorizationType,
                  @RequestParam(defaultValue = "") String organizationAttribute,
                  @RequestParam(defaultValue = "") String roleAttribute,
                  @RequestParam(defaultValue = "") String roleValues, Model model, RedirectAttributes redirect) {
        SchemeForm form = new SchemeForm("", name, authorizationType, organizationAttribute, roleAttribute, roleValues,
                -1, "");
        ApiAnswer created = api.post(form.body(), "/api/authentication-schemes");
        if (!created.ok()) {
            return listPage(user, form, created.problem(), created.fieldErrors(), model);
        }
        redirect.addFlashAttribute("notice", "Authentication scheme " + name.strip() + " added.");
        return "redirect:" + PATH;
    }

    @GetMapping(PATH + "/{id}")
    String scheme(@AuthenticationPrincipal OidcUser user, @PathVariable String id, Model model) {
        model.addAttribute("admin", SignedInAdmin.of(user, api));
        ApiAnswer read = api.get("/api/authentication-schemes/{id}", id);
        model.addAttribute("problem", read.ok() ? null : read.problem());
        model.addAttribute("form", read.ok() ? SchemeForm.of(read.body()) : null);
        model.addAttribute("errors", Map.of());
        return "console/authentication-scheme";
    }

    @PostMapping(PATH + "/{id}")
    String change(@AuthenticationPrincipal OidcUser user, @PathVariable String id, @RequestParam long version,
                  @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "IDP") String authorizationType,
                  @RequestParam(defaultValue = "") String organizationAttribute,
                  @RequestParam(defaultValue = "") String roleAttribute,
                  @RequestParam(defaultValue = "") String roleValues, Model model, RedirectAttributes redirect) {
        SchemeForm form = new SchemeForm(id, name, authorizationType, organizationAttribute, roleAttribute, roleValues,
                version, "");
        ApiAnswer changed = api.send(HttpMethod.PUT, form.body(), Map.of("If-Match", "\"" + version + "\""),
                "/api/authentication-schemes/{id}", id);
        if (!changed.ok()) {
            model.addAttribute("admin", SignedInAdmin.of(user, api));
            model.addAttribute("problem", changed.problem());
            model.addAttribute("errors", changed.fieldErrors());
            model.addAttribute("form", form);
            return "console/authentication-scheme";
        }
        redirect.addFlashAttribute("notice", "Saved.");
        return "redirect:" + PATH + "/" + id;
    }

    private String listPage(OidcUser user, SchemeForm form, String problem, Map<String, String> errors, Model model) {
        model.addAttribute("admin", SignedInAdmin.of(user, api));
        ApiAnswer listed = api.get("/api/authentication-schemes");
        List<SchemeForm> schemes = new ArrayList<>();
        if (listed.ok()) {
            listed.body().forEach(scheme -> schemes.add(SchemeForm.of(scheme)));
        }
        model.addAttribute("listRefusal", listed.ok() ? null : listed.problem());
        model.addAttribute("schemes", schemes);
        model.addAttribute("form", form);
        model.addAttribute("problem", problem);
        model.addAttribute("errors", errors);
        return "console/authentication-schemes";
    }
}
