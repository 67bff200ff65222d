package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Organizations' names by id, as the API lets the signed-in admin read them, fetched for the ids
 * a page shows (a page of ids per call) rather than a list of every organization: a portal may
 * have thousands. An id the admin may not read shows as itself.
 */
final class OrganizationNames implements Serializable {

    /** The API's largest page, and so the most ids one call looks up. */
    static final int PAGE = 100;
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Map<String, String> known = new ConcurrentHashMap<>();

    /** The name of the organization {@code id}, or the id where it is not known. */
    String of(String id) {
        return known.getOrDefault(id, id);
    }

    /** Reads the names of those of {@code ids} not known yet (in one call per hundred); this. */
    OrganizationNames load(ConsoleApi api, Collection<String> ids) {
        List<String> missing = ids.stream().filter(id -> ID.matcher(id).matches() && !known.containsKey(id))
                .distinct().toList();
        for (int from = 0; from < missing.size(); from += PAGE) {
            List<String> some = missing.subList(from, Math.min(missing.size(), from + PAGE));
            ApiAnswer found = api.get(b -> {
                b.path("/api/organizations").queryParam("size", PAGE);
                some.forEach(id -> b.queryParam("id", id));
                return b.build();
            });
            add(found);
        }
        return this;
    }

    /** The names of every organization id anywhere in {@code json} (memberships, a history's changes); this. */
    OrganizationNames loadAllIn(ConsoleApi api, JsonNode json) {
        return load(api, json.findValuesAsText("organizationId"));
    }

    /** Keeps the names of a page of organizations the API answered with. */
    void add(ApiAnswer organizations) {
        if (organizations.ok()) {
            for (JsonNode organization : organizations.body().path("items")) {
                known.put(organization.path("id").asText(), organization.path("name").asText());
            }
        }
    }
}
