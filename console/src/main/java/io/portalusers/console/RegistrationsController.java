package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Registration requests waiting for a Portal Admin (R-REG-2): approve, or reject with the reason
 * the registrant reads. Who may decide, and whether a request may still be decided, is the API's to say.
 */
@Controller
class RegistrationsController {

    static final String PATH = ConsoleConfiguration.ROOT + "/registrations";

    private final ConsoleApi api;

    RegistrationsController(ConsoleApi api) {
        this.api = api;
    }

    /** One waiting request as the page lists it. */
    public record Request(String id, String name, String username, String email, String organization, String submitted) {
    }

    @GetMapping(PATH)
    String pending(@AuthenticationPrincipal OidcUser user, Model model) {
        model.addAttribute("admin", SignedInAdmin.of(user, api));
        ApiAnswer listed = api.get(b -> b.path("/api/registrations").queryParam("status", "PENDING")
                .queryParam("size", "100").build());
        List<Request> requests = new ArrayList<>();
        for (JsonNode r : listed.body().path("items")) {
            requests.add(new Request(r.path("id").asText(),
                    (r.path("firstName").asText() + " " + r.path("lastName").asText()).strip(),
                    r.path("username").asText(), r.path("email").asText(), r.path("organizationName").asText(),
                    r.path("submittedAt").asText().replace('T', ' ').replaceAll("\\.\\d+Z$", " UTC")));
        }
        model.addAttribute("requests", requests);
        model.addAttribute("refusal", listed.ok() ? null : listed.problem());
        return "console/registrations";
    }

    @PostMapping(PATH + "/{id}/approve")
    String approve(@PathVariable String id, RedirectAttributes redirect) {
        ApiAnswer approved = api.post(null, "/api/registrations/{id}/approve", id);
        return decided(approved, "Approved: the organization and its Org Admin are being created, and the account setup email follows.",
                id, redirect);
    }

    @PostMapping(PATH + "/{id}/reject")
    String reject(@PathVariable String id, @RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
        ApiAnswer rejected = api.post(Map.of("reason", reason), "/api/registrations/{id}/reject", id);
        return decided(rejected, "Rejected; the registrant is told why.", id, redirect);
    }

    private String decided(ApiAnswer answer, String done, String id, RedirectAttributes redirect) {
        if (answer.ok()) {
            // the query side is a moment behind: wait until the request no longer waits
            long until = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < until && "PENDING".equals(api.get("/api/registrations/{id}", id).body().path("status").asText())) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        redirect.addFlashAttribute(answer.ok() ? "notice" : "alert", answer.ok() ? done : answer.problem());
        return "redirect:" + PATH;
    }
}
