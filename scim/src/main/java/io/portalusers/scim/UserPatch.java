package io.portalusers.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SCIM PATCH (RFC 7644, 3.5.2) applied to the User as it is: {@code add}, {@code replace} and
 * {@code remove}, their names in any case ("Replace", as some identity providers send them),
 * with a path (an attribute, a sub-attribute, a schema URN before it, {@code emails[type eq
 * "work"].value}) or without one (the value is then an object of attributes). The result is
 * brought about as a replace would be.
 */
final class UserPatch {

    private static final Pattern FILTERED = Pattern.compile("(?i)(emails|roles)\\[[^\\]]*\\](?:\\.(value))?");
    /** The attributes whose change goes to the scheme's mappings (role, organization). */
    private static final Set<String> MAPPED = Set.of("roles", "usertype", "title",
            Scim.ENTERPRISE_USER.toLowerCase(Locale.ROOT), Scim.PORTAL_USER.toLowerCase(Locale.ROOT));
    private static final int MAX_OPERATIONS = 100;

    private UserPatch() {
    }

    record Patched(ObjectNode resource, boolean touchesAttributes) {
    }

    static Patched apply(ObjectNode resource, JsonNode body) {
        JsonNode operations = UserInput.field(body, "Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty() || operations.size() > MAX_OPERATIONS) {
            throw ScimException.invalidSyntax("a PATCH has Operations: 1 to " + MAX_OPERATIONS + " of them");
        }
        // what the client sends back of the service's extension is read-only: only role and organization are taken
        resource.remove(Scim.PORTAL_USER);
        boolean touches = false;
        for (JsonNode operation : operations) {
            JsonNode op = UserInput.field(operation, "op");
            if (op == null || !op.isTextual()) {
                throw ScimException.invalidSyntax("each operation has an op");
            }
            JsonNode pathNode = UserInput.field(operation, "path");
            String path = pathNode == null || pathNode.isNull() ? null : pathNode.asText();
            JsonNode value = UserInput.field(operation, "value");
            switch (op.asText().toLowerCase(Locale.ROOT)) {
                case "add", "replace" -> {
                    if (value == null) {
                        throw ScimException.invalidValue("an " + op.asText() + " operation has a value");
                    }
                    touches |= path == null ? merge(resource, value) : set(resource, path, value);
                }
                case "remove" -> {
                    if (path == null) {
                        throw new ScimException(400, "noTarget", "a remove operation has a path");
                    }
                    touches |= set(resource, path, null);
                }
                default -> throw ScimException.invalidSyntax("op is add, replace or remove");
            }
        }
        return new Patched(resource, touches);
    }

    private static boolean merge(ObjectNode resource, JsonNode value) {
        if (!value.isObject()) {
            throw ScimException.invalidValue("an operation without a path has an object of attributes as its value");
        }
        boolean touches = false;
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            touches |= set(resource, field.getKey(), field.getValue());
        }
        return touches;
    }

    /** Sets (or with a null value removes) the attribute {@code path} names; whether it goes to the scheme's mappings. */
    private static boolean set(ObjectNode resource, String path, JsonNode value) {
        String rest = path;
        ObjectNode target = resource;
        String core = Scim.USER + ":";
        if (rest.regionMatches(true, 0, core, 0, core.length())) {
            rest = rest.substring(core.length());
        } else {
            for (String extension : List.of(Scim.ENTERPRISE_USER, Scim.PORTAL_USER)) {
                if (rest.equalsIgnoreCase(extension)) {
                    replaceField(resource, extension, value);
                    return true;
                }
                if (rest.regionMatches(true, 0, extension + ":", 0, extension.length() + 1)) {
                    target = object(resource, extension);
                    rest = rest.substring(extension.length() + 1);
                    break;
                }
            }
        }
        Matcher filtered = FILTERED.matcher(rest);
        if (filtered.matches()) {
            // emails[type eq "work"].value: the one email (or role) this service keeps
            String attribute = filtered.group(1);
            ArrayNode items = target.putArray(attribute);
            if (value != null) {
                JsonNode item = filtered.group(2) == null ? value : items.objectNode().set("value", value);
                items.add(item.isArray() ? item.get(0) : item);
            }
            return MAPPED.contains(attribute.toLowerCase(Locale.ROOT));
        }
        if (rest.contains("[")) {
            throw new ScimException(400, "invalidPath", "the path cannot be read: " + path);
        }
        String[] parts = rest.split("\\.");
        if (parts.length > 2) {
            throw new ScimException(400, "invalidPath", "the path cannot be read: " + path);
        }
        if (parts.length == 2) {
            ObjectNode parent = object(target, parts[0]);
            replaceField(parent, parts[1], value);
        } else if (parts[0].equalsIgnoreCase("emails") && value != null && value.isTextual()) {
            target.putArray("emails").addObject().put("value", value.asText());
        } else {
            replaceField(target, parts[0], value);
        }
        return target != resource || MAPPED.contains(parts[0].toLowerCase(Locale.ROOT));
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode existing = UserInput.field(parent, name);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        replaceField(parent, name, null);
        return parent.putObject(name);
    }

    /** Replaces a field whatever the case of its name; removes it for a null value. */
    private static void replaceField(ObjectNode parent, String name, JsonNode value) {
        Iterator<String> names = parent.fieldNames();
        while (names.hasNext()) {
            if (names.next().equalsIgnoreCase(name)) {
                names.remove();
            }
        }
        if (value != null && !value.isNull()) {
            parent.set(name, value);
        }
    }
}
