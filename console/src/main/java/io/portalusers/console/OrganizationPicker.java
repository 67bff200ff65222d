package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The organization fields of the console's forms (the Users filter, Add User's and a Developer's
 * organizations, the Reports' scope): a list of the first hundred organizations by name that
 * contain what was typed into the field's Find box beside it, and always the ones chosen. The
 * Find box asks {@value #PATH} for the list again as one types.
 */
@Controller
class OrganizationPicker {

    static final String PATH = ConsoleConfiguration.ROOT + "/organization-options";
    /** How the pages word a field's empty choice. */
    private static final List<String> EMPTY_CHOICES = List.of("Any", "(none)", "All users", "All my organizations");

    private final ConsoleApi api;

    OrganizationPicker(ConsoleApi api) {
        this.api = api;
    }

    /**
     * What a picker offers: organizations' names by id, in name order (the chosen ones first where
     * the list would not hold them), and how many contain what was typed, to say when there are more.
     */
    public record Choices(Map<String, String> byId, long matching) {

        public boolean more() {
            return matching > OrganizationNames.PAGE;
        }
    }

    /** The first hundred organizations whose name contains {@code find} (any when blank), and the {@code chosen} ones. */
    Choices choices(String find, Collection<String> chosen) {
        String typed = find == null ? "" : find.strip();
        ApiAnswer listed = api.get(b -> {
            b.path("/api/organizations").queryParam("size", OrganizationNames.PAGE);
            if (!typed.isEmpty()) {
                b.queryParam("name", "{name}");
            }
            return b.build(Map.of("name", typed));
        });
        Map<String, String> offered = new LinkedHashMap<>();
        for (JsonNode organization : listed.body().path("items")) {
            offered.put(organization.path("id").asText(), organization.path("name").asText());
        }
        List<String> notListed = chosen.stream().filter(id -> id != null && !id.isBlank() && !offered.containsKey(id)).toList();
        OrganizationNames names = new OrganizationNames().load(api, notListed);
        Map<String, String> byId = new LinkedHashMap<>();
        notListed.forEach(id -> byId.put(id, names.of(id)));
        byId.putAll(offered);
        return new Choices(byId, listed.ok() ? listed.body().path("total").asLong() : 0);
    }

    /** Only {@code ids}' organizations (an Org Admin's own), by name. */
    Choices only(Collection<String> ids) {
        OrganizationNames names = new OrganizationNames().load(api, ids);
        Map<String, String> byId = new LinkedHashMap<>();
        ids.stream().sorted(java.util.Comparator.comparing(names::of, String.CASE_INSENSITIVE_ORDER))
                .forEach(id -> byId.put(id, names.of(id)));
        return new Choices(byId, byId.size());
    }

    /**
     * The field's list again for what was typed into its Find box: the select {@code select} (its
     * id; every picker's field is named {@code organization}), its empty choice worded {@code none}.
     */
    @GetMapping(PATH)
    String options(@RequestParam(defaultValue = "") String find, @RequestParam(defaultValue = "") String organization,
                   @RequestParam String select, @RequestParam(defaultValue = "") String none, Model model) {
        model.addAttribute("selectId", select.matches("[A-Za-z][A-Za-z0-9-]{0,40}") ? select : "organization");
        // the words of the empty choice, as the pages word it: nothing else a link could make it say
        model.addAttribute("none", EMPTY_CHOICES.contains(none) ? none : EMPTY_CHOICES.get(0));
        model.addAttribute("chosen", organization);
        model.addAttribute("choices", choices(find, List.of(organization)));
        model.addAttribute("oob", true);
        return "console/organization-picker :: answer";
    }
}
