package io.portalusers.console;

import org.springframework.http.HttpMethod;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.HashMap;
import java.util.Map;

/**
 * The Settings page: the portal's three switches (SSO, third-party registration, the
 * registration request workflow), set all at once with the version read (If-Match), as the API
 * takes them. Only a Portal Admin changes them (R-SET-1): the form is offered to Portal Admins,
 * and the API refuses anyone else in its own words.
 */
@Controller
class SettingsController {

    static final String PATH = ConsoleConfiguration.ROOT + "/settings";

    private final ConsoleApi api;

    SettingsController(ConsoleApi api) {
        this.api = api;
    }

    @GetMapping(PATH)
    String settings(@AuthenticationPrincipal OidcUser user, Model model) {
        return page(user, null, null, model);
    }

    @PostMapping(PATH)
    String change(@AuthenticationPrincipal OidcUser user, @RequestParam long version,
                  @RequestParam(defaultValue = "false") boolean ssoEnabled,
                  @RequestParam(defaultValue = "false") boolean thirdPartyRegistrationEnabled,
                  @RequestParam(defaultValue = "false") boolean registrationWorkflowEnabled,
                  Model model, RedirectAttributes redirect) {
        Map<String, Object> wanted = ConsoleApi.map("ssoEnabled", ssoEnabled,
                "thirdPartyRegistrationEnabled", thirdPartyRegistrationEnabled,
                "registrationWorkflowEnabled", registrationWorkflowEnabled);
        Map<String, String> headers = new HashMap<>();
        // a portal whose settings never changed has no version yet (-1): there is nothing to match
        if (version >= 0) {
            headers.put("If-Match", "\"" + version + "\"");
        }
        ApiAnswer changed = api.send(HttpMethod.PUT, wanted, headers, "/api/settings");
        if (!changed.ok()) {
            if ("stale-version".equals(changed.code())) {
                // the settings as they are now, to be decided on again: past the version this page had read
                caughtUp(version + 1);
                return page(user, changed.problem(), null, model);
            }
            return page(user, changed.problem(), wanted, model);
        }
        caughtUp(changed.body().path("version").asLong());
        redirect.addFlashAttribute("notice", "Settings saved.");
        return "redirect:" + PATH;
    }

    private String page(OidcUser user, String problem, Map<String, Object> typed, Model model) {
        model.addAttribute("admin", SignedInAdmin.of(user, api));
        model.addAttribute("problem", problem);
        ApiAnswer read = api.get("/api/settings");
        model.addAttribute("readRefusal", read.ok() ? null : read.problem());
        Map<String, Object> shown = new HashMap<>();
        for (String name : new String[] {"ssoEnabled", "thirdPartyRegistrationEnabled", "registrationWorkflowEnabled"}) {
            shown.put(name, typed != null ? typed.get(name) : read.body().path(name).asBoolean());
        }
        model.addAttribute("s", shown);
        model.addAttribute("version", read.body().path("version").asLong(-1));
        model.addAttribute("updatedAt", Times.shown(read.body().path("updatedAt")));
        return "console/settings";
    }

    private void caughtUp(long version) {
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until && api.get("/api/settings").body().path("version").asLong(-1) < version) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
