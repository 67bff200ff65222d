package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's Users page: a tab per category, the Name and Email fields that search as one
 * types (htmx asks for {@code /results} and swaps the table in), each user's state and
 * invitation, an Actions menu per user, and pages. The search is the API's own (R-SEARCH-1..4):
 * a term's rules, such as its three characters, are the API's, and so are its words.
 */
@Controller
public class UsersController {

    static final int PAGE_SIZE = 20;
    private static final String USERS = ConsoleConfiguration.ROOT + "/users";

    private final ConsoleApi api;
    private final OrganizationPicker picker;

    UsersController(ConsoleApi api, OrganizationPicker picker) {
        this.api = api;
        this.picker = picker;
    }

    @GetMapping(ConsoleConfiguration.ROOT)
    String home() {
        return "redirect:" + USERS;
    }

    @GetMapping(ConsoleConfiguration.ROOT + "/sign-in-failed")
    String signInFailed() {
        return "console/sign-in-failed";
    }

    /** What the Users page asks the API for: its tab, terms, filters, sort and page. */
    record Filters(String tab, String name, String email, String state, String role, String organization, String sort,
                   int page) {

        Filters {
            name = name == null ? "" : name;
            email = email == null ? "" : email;
            state = state == null ? "" : state;
            role = role == null ? "" : role;
            organization = organization == null ? "" : organization;
            sort = sort == null || sort.isBlank() ? "name" : sort;
            page = Math.max(page, 0);
        }
    }

    @GetMapping(USERS)
    String users(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String tab,
                 @RequestParam(required = false) String name, @RequestParam(required = false) String email,
                 @RequestParam(required = false) String state, @RequestParam(required = false) String role,
                 @RequestParam(required = false) String organization, @RequestParam(required = false) String sort,
                 @RequestParam(defaultValue = "0") int page, HttpSession session, Model model) {
        PageContext context = new PageContext(SignedInAdmin.of(user, api), new OrganizationNames(), System.nanoTime());
        session.setAttribute(CONTEXT, context);
        SignedInAdmin admin = context.admin();
        Filters filters = new Filters(tab(tab, admin), name, email, state, role, organization, sort, page);
        model.addAttribute("admin", admin);
        model.addAttribute("roles", Labels.ROLES);
        if (!"publishers".equals(filters.tab())) {
            // the Global Publishers tab has no organization field: no call for its list
            model.addAttribute("organizationChoices", picker.choices(null, List.of(filters.organization())));
        }
        Results results = search(admin, filters, context.organizations());
        shown(model, admin, filters, results);
        model.addAttribute("tabTotals", results.refusal() == null ? tabTotals(admin, filters, results) : Map.of());
        return "console/users";
    }

    /**
     * The results as one types: one call to the API's search. Who is signed in is as the page
     * was loaded with it (kept in the session a few seconds), and so are the organizations' names
     * read so far (a second call only for names no earlier page showed), so that a keystroke
     * costs one call, not three; who is signed in only chooses which actions to offer, and the
     * API decides each.
     */
    @GetMapping(USERS + "/results")
    String results(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String tab,
                   @RequestParam(required = false) String name, @RequestParam(required = false) String email,
                   @RequestParam(required = false) String state, @RequestParam(required = false) String role,
                   @RequestParam(required = false) String organization, @RequestParam(required = false) String sort,
                   @RequestParam(defaultValue = "0") int page, HttpSession session, Model model) {
        PageContext context = context(user, session);
        Filters filters = new Filters(tab(tab, context.admin()), name, email, state, role, organization, sort, page);
        shown(model, context.admin(), filters, search(context.admin(), filters, context.organizations()));
        return "console/users :: results";
    }

    /** The tabs with their counts for the terms and state typed: asked for by the tabs each time results land. */
    @GetMapping(USERS + "/tab-totals")
    String tabTotals(@AuthenticationPrincipal OidcUser user, @RequestParam(required = false) String tab,
                     @RequestParam(required = false) String name, @RequestParam(required = false) String email,
                     @RequestParam(required = false) String state, HttpSession session, Model model) {
        PageContext context = context(user, session);
        Filters filters = new Filters(tab(tab, context.admin()), name, email, state, null, null, null, 0);
        model.addAttribute("tabs", tabs(context.admin()));
        model.addAttribute("tab", filters.tab());
        model.addAttribute("name", filters.name());
        model.addAttribute("email", filters.email());
        model.addAttribute("f", filters);
        model.addAttribute("tabTotals", tabTotals(context.admin(), filters, null));
        return "console/users :: tabLinks";
    }

    /** The signed-in admin and the organizations' names read since, as read at most {@link #CONTEXT_FOR} ago. */
    record PageContext(SignedInAdmin admin, OrganizationNames organizations, long readAt) implements java.io.Serializable {
    }

    private static final long CONTEXT_FOR = 10_000_000_000L;
    private static final String CONTEXT = "console.page-context";

    private PageContext context(OidcUser user, HttpSession session) {
        Object kept = session.getAttribute(CONTEXT);
        if (kept instanceof PageContext context && context.admin().id().equals(user.getSubject())
                && System.nanoTime() - context.readAt() < CONTEXT_FOR) {
            return context;
        }
        PageContext context = new PageContext(SignedInAdmin.of(user, api), new OrganizationNames(), System.nanoTime());
        session.setAttribute(CONTEXT, context);
        return context;
    }

    private void shown(Model model, SignedInAdmin admin, Filters filters, Results results) {
        model.addAttribute("tabs", tabs(admin));
        model.addAttribute("f", filters);
        model.addAttribute("tab", filters.tab());
        model.addAttribute("name", filters.name());
        model.addAttribute("email", filters.email());
        model.addAttribute("results", results);
    }

    @PostMapping(USERS + "/{id}/{action:enable|disable|activation-email}")
    String act(@AuthenticationPrincipal OidcUser user, @PathVariable String id, @PathVariable String action,
               @RequestHeader(value = "HX-Request", required = false) String htmx, Model model,
               RedirectAttributes redirect) {
        SignedInAdmin admin = SignedInAdmin.of(user, api);
        ApiAnswer done = api.post(null, "/api/users/{id}/" + action, id);
        String message = done.ok() ? switch (action) {
            case "enable" -> "Enabled.";
            case "disable" -> "Disabled.";
            default -> "Activation email sent again; earlier links no longer work.";
        } : done.problem();
        if (htmx == null) {
            redirect.addFlashAttribute(done.ok() ? "notice" : "alert", message);
            return "redirect:" + USERS;
        }
        // the query side is a moment behind the command: show the row once it has the change
        JsonNode current = done.ok() ? caughtUp(id, done.body().path("version").asLong()) : read(id);
        UserRow row = current == null ? null : UserRow.of(current, admin, new OrganizationNames().loadAllIn(api, current));
        model.addAttribute("u", row == null ? null : done.ok() ? row : row.refused(message));
        model.addAttribute("rowNotice", done.ok() ? message : null);
        return "console/users :: row";
    }

    /** Waits (a moment at most) until the query side shows the user at {@code version}; the user as it shows then. */
    JsonNode caughtUpTo(String id, long version) {
        return caughtUp(id, version);
    }

    private JsonNode caughtUp(String id, long version) {
        long until = System.nanoTime() + 3_000_000_000L;
        JsonNode user = read(id);
        while (user != null && user.path("version").asLong() < version && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            user = read(id);
        }
        return user;
    }

    private JsonNode read(String id) {
        ApiAnswer user = api.get("/api/users/{id}", id);
        return user.ok() ? user.body() : null;
    }

    /** A Portal Admin sees every tab; an Org Admin's users are Org Users (R-SEARCH-4). */
    private static Map<String, String> tabs(SignedInAdmin admin) {
        if (admin.portalAdmin()) {
            return Labels.TABS;
        }
        Map<String, String> tabs = new java.util.LinkedHashMap<>(Labels.TABS);
        tabs.remove("publishers");
        return tabs;
    }

    private static String tab(String requested, SignedInAdmin admin) {
        Map<String, String> tabs = tabs(admin);
        return requested != null && tabs.containsKey(requested) ? requested : tabs.keySet().iterator().next();
    }

    Results search(SignedInAdmin admin, Filters f, OrganizationNames organizations) {
        ApiAnswer found = api.get(b -> {
            b.path("/api/users").queryParam("category", "{category}").queryParam("page", "{page}")
                    .queryParam("size", "{size}").queryParam("sort", "{sort}");
            Map<String, Object> values = new HashMap<>(Map.of("category", f.tab(), "page", f.page(), "size", PAGE_SIZE,
                    "sort", f.sort()));
            Map<String, String> optional = new java.util.LinkedHashMap<>();
            optional.put("name", f.name());
            optional.put("email", f.email());
            optional.put("state", f.state());
            optional.put("role", f.role());
            optional.put("organization", f.organization());
            optional.forEach((parameter, value) -> {
                if (!value.isBlank()) {
                    b.queryParam(parameter, "{" + parameter + "}");
                    values.put(parameter, value);
                }
            });
            return b.build(values);
        });
        if (!found.ok()) {
            return Results.refused(found.problem());
        }
        List<UserRow> rows = new ArrayList<>();
        // the names of the page's organizations not read yet: one call for all of them
        organizations.loadAllIn(api, found.body().path("items"));
        for (JsonNode user : found.body().path("items")) {
            rows.add(UserRow.of(user, admin, organizations));
        }
        long total = found.body().path("total").asLong();
        return new Results(rows, null, total, found.body().path("totalIsLowerBound").asBoolean(),
                found.body().path("page").asInt(), (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE));
    }

    /**
     * How many users each tab holds for the terms and the state chosen (the filters every tab
     * has), as the API counts them: what a tab's link then lists. The tab shown, when no filter
     * of its own narrows it, is counted by its results already, where they are given.
     */
    Map<String, String> tabTotals(SignedInAdmin admin, Filters f, Results shown) {
        Map<String, String> totals = new java.util.LinkedHashMap<>();
        for (String tab : tabs(admin).keySet()) {
            if (shown != null && tab.equals(f.tab()) && f.role().isBlank() && f.organization().isBlank()) {
                totals.put(tab, shown.total() + (shown.totalIsLowerBound() ? "+" : ""));
                continue;
            }
            ApiAnswer counted = api.get(b -> {
                b.path("/api/users").queryParam("category", "{category}").queryParam("size", "1");
                Map<String, Object> values = new HashMap<>(Map.of("category", tab));
                Map<String, String> common = Map.of("name", f.name(), "email", f.email(), "state", f.state());
                common.forEach((parameter, value) -> {
                    if (!value.isBlank()) {
                        b.queryParam(parameter, "{" + parameter + "}");
                        values.put(parameter, value);
                    }
                });
                return b.build(values);
            });
            if (counted.ok()) {
                totals.put(tab, counted.body().path("total").asLong()
                        + (counted.body().path("totalIsLowerBound").asBoolean() ? "+" : ""));
            }
        }
        return totals;
    }

    public record Results(List<UserRow> rows, String refusal, long total, boolean totalIsLowerBound, int page, int pages) {

        static Results refused(String why) {
            return new Results(List.of(), why, 0, false, 0, 0);
        }

        public boolean hasPrevious() {
            return page > 0;
        }

        public boolean hasNext() {
            return page + 1 < pages;
        }
    }
}
