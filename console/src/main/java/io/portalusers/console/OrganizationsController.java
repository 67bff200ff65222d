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
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The Organizations page: the organizations the signed-in admin may read (a Portal Admin every
 * one, an Org Admin those it belongs to, as the API lists them), each with its account plan;
 * a Portal Admin adds one and changes a plan with the version it read. Who may do either, and
 * whether a name is free (R-ORG-1), is the API's to say, in its words.
 */
@Controller
class OrganizationsController {

    static final String PATH = ConsoleConfiguration.ROOT + "/organizations";
    static final int PAGE_SIZE = 20;

    private final ConsoleApi api;

    OrganizationsController(ConsoleApi api) {
        this.api = api;
    }

    /** One organization as the page lists it. */
    public record Organization(String id, String name, String accountPlan, String created, String updated, long version) {

        static Organization of(JsonNode organization) {
            return new Organization(organization.path("id").asText(), organization.path("name").asText(),
                    organization.path("accountPlan").asText(), Times.shown(organization.path("createdAt")),
                    Times.shown(organization.path("updatedAt")), organization.path("version").asLong());
        }
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal OidcUser user, @RequestParam(defaultValue = "0") int page, Model model) {
        return page(user, Math.max(page, 0), null, Map.of(), "", "", null, model);
    }

    @PostMapping(PATH)
    String create(@AuthenticationPrincipal OidcUser user, @RequestParam(defaultValue = "") String name,
                  @RequestParam(defaultValue = "") String accountPlan, Model model, RedirectAttributes redirect) {
        ApiAnswer created = api.post(ConsoleApi.map("name", name.strip(), "accountPlan", accountPlan.strip()),
                "/api/organizations");
        if (!created.ok()) {
            return page(user, 0, created.problem(), created.fieldErrors(), name, accountPlan, null, model);
        }
        String id = created.body().path("id").asText();
        caughtUp(id, created.body().path("version").asLong());
        redirect.addFlashAttribute("notice", "Organization " + name.strip() + " added.");
        return "redirect:" + PATH;
    }

    @PostMapping(PATH + "/{id}/plan")
    String changePlan(@AuthenticationPrincipal OidcUser user, @PathVariable String id, @RequestParam long version,
                      @RequestParam(defaultValue = "") String accountPlan, @RequestParam(defaultValue = "0") int page,
                      Model model, RedirectAttributes redirect) {
        ApiAnswer changed = api.send(HttpMethod.PUT, Map.of("accountPlan", accountPlan.strip()),
                Map.of("If-Match", "\"" + version + "\""), "/api/organizations/{id}/plan", id);
        if (!changed.ok()) {
            return page(user, page, null, Map.of(), "", "", new RowRefusal(id, changed.problem(), accountPlan), model);
        }
        caughtUp(id, changed.body().path("version").asLong());
        redirect.addFlashAttribute("notice", "Account plan changed to " + accountPlan.strip() + ".");
        redirect.addAttribute("page", page);
        return "redirect:" + PATH;
    }

    /** A plan change the API refused: the row it belongs to, the API's words, and what was typed. */
    public record RowRefusal(String id, String problem, String accountPlan) {
    }

    private String page(OidcUser user, int page, String problem, Map<String, String> errors, String name,
                        String accountPlan, RowRefusal refusal, Model model) {
        SignedInAdmin admin = SignedInAdmin.of(user, api);
        model.addAttribute("admin", admin);
        model.addAttribute("problem", problem);
        model.addAttribute("errors", errors);
        model.addAttribute("name", name);
        model.addAttribute("accountPlan", accountPlan);
        model.addAttribute("refusal", refusal);
        ApiAnswer listed = api.get(b -> b.path("/api/organizations").queryParam("page", page)
                .queryParam("size", PAGE_SIZE).build());
        List<Organization> organizations = new ArrayList<>();
        for (JsonNode organization : listed.body().path("items")) {
            organizations.add(Organization.of(organization));
        }
        long total = listed.body().path("total").asLong();
        model.addAttribute("listRefusal", listed.ok() ? null : listed.problem());
        model.addAttribute("organizations", organizations);
        model.addAttribute("total", total);
        model.addAttribute("page", page);
        model.addAttribute("pages", (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE));
        // the plans in use on this page, offered as suggestions: a plan is any name the portal gives one
        model.addAttribute("plans", new TreeSet<>(organizations.stream().map(Organization::accountPlan).toList()));
        return "console/organizations";
    }

    /** Waits (a moment at most) until the query side shows the organization at {@code version}. */
    private void caughtUp(String id, long version) {
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) {
            ApiAnswer read = api.get("/api/organizations/{id}", id);
            if (read.ok() && read.body().path("version").asLong() >= version) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
