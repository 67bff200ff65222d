package io.portalusers.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code attributes} and {@code excludedAttributes} (RFC 7644, 3.4.2.5, 3.9): which attributes a
 * resource is answered with. Names are compared without case, may be sub-attributes
 * ({@code name.givenName}) and may carry their schema's URN; {@code id} and {@code schemas} are
 * always returned.
 */
final class AttributeSelection {

    private static final Set<String> ALWAYS = Set.of("id", "schemas");

    private final List<List<String>> included;
    private final List<List<String>> excluded;

    private AttributeSelection(List<List<String>> included, List<List<String>> excluded) {
        this.included = included;
        this.excluded = excluded;
    }

    static AttributeSelection of(String attributes, String excludedAttributes, List<String> schemas) {
        if (attributes != null && !attributes.isBlank() && excludedAttributes != null && !excludedAttributes.isBlank()) {
            throw ScimException.invalidValue("give attributes or excludedAttributes, not both");
        }
        return new AttributeSelection(paths(attributes, schemas), paths(excludedAttributes, schemas));
    }

    private static List<List<String>> paths(String list, List<String> schemas) {
        List<List<String>> paths = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return paths;
        }
        for (String raw : list.split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            List<String> path = new ArrayList<>();
            String rest = name;
            for (String schema : schemas) {
                if (name.regionMatches(true, 0, schema, 0, schema.length())) {
                    rest = name.length() > schema.length() ? name.substring(schema.length() + 1) : "";
                    if (!schema.equalsIgnoreCase(schemas.get(0))) {
                        path.add(schema.toLowerCase(Locale.ROOT));
                    }
                    break;
                }
            }
            if (!rest.isEmpty()) {
                path.addAll(List.of(rest.toLowerCase(Locale.ROOT).split("\\.")));
            }
            paths.add(path);
        }
        return paths;
    }

    ObjectNode apply(ObjectNode resource) {
        if (!included.isEmpty()) {
            keep(resource, included, true);
        }
        for (List<String> path : excluded) {
            remove(resource, path);
        }
        return resource;
    }

    /** Keeps of {@code node} what a path of {@code paths} names (a whole attribute, or within it the sub-attributes named). */
    private static void keep(ObjectNode node, List<List<String>> paths, boolean top) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (top && ALWAYS.contains(name)) {
                continue;
            }
            List<List<String>> below = new ArrayList<>();
            boolean whole = false;
            for (List<String> path : paths) {
                if (!path.isEmpty() && path.get(0).equals(name)) {
                    if (path.size() == 1) {
                        whole = true;
                    } else {
                        below.add(path.subList(1, path.size()));
                    }
                }
            }
            if (whole) {
                continue;
            }
            if (below.isEmpty()) {
                fields.remove();
            } else if (field.getValue() instanceof ObjectNode object) {
                keep(object, below, false);
            } else if (field.getValue().isArray()) {
                field.getValue().forEach(item -> {
                    if (item instanceof ObjectNode object) {
                        keep(object, below, false);
                    }
                });
            }
        }
    }

    private static void remove(JsonNode node, List<String> path) {
        if (path.isEmpty() || !(node instanceof ObjectNode object)) {
            if (node != null && node.isArray() && !path.isEmpty()) {
                node.forEach(item -> remove(item, path));
            }
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals(path.get(0)) || ALWAYS.contains(name) && path.size() == 1) {
                continue;
            }
            if (path.size() == 1) {
                fields.remove();
            } else {
                remove(field.getValue(), path.subList(1, path.size()));
            }
        }
    }
}
