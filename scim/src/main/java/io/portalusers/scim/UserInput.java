package io.portalusers.scim;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Username;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * What a SCIM User resource a client sends asks for, in this service's values. Attributes the
 * service keeps nothing of (a password, phone numbers, addresses) are ignored: an identity
 * provider sends what it has. The attributes an authentication scheme maps to a role and an
 * organization reach it under these names: {@code role} and {@code organization} (this
 * service's extension), {@code roles} (the primary or only value of {@code roles}),
 * {@code userType}, {@code title}, and the enterprise extension's {@code department} and
 * {@code organization} (when the service's extension names none).
 */
record UserInput(Username username, String externalId, PersonName name, EmailAddress email, Language language,
                 Boolean active, Map<String, String> attributes) {

    static UserInput from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ScimException.invalidSyntax("the body is a SCIM User resource, a JSON object");
        }
        Username username = parse("userName", () -> Username.of(text(field(body, "userName"))));
        String externalId = text(field(body, "externalId"));
        if (externalId != null && (externalId.isBlank() || externalId.length() > 255)) {
            throw ScimException.invalidValue("externalId has 1 to 255 characters");
        }
        JsonNode name = field(body, "name");
        PersonName person = parse("name", () -> new PersonName(text(field(name, "givenName")), text(field(name, "familyName"))));
        EmailAddress email = parse("emails", () -> EmailAddress.of(text(primaryValue(field(body, "emails")))));
        Language language = language(text(field(body, "preferredLanguage")), text(field(body, "locale")));
        Boolean active = active(field(body, "active"));
        return new UserInput(username, externalId, person, email, language, active, attributes(body));
    }

    /** The subject the identity provider names the user by: its externalId, or else its username. */
    String subject() {
        return externalId != null ? externalId : username.value();
    }

    /** {@code active} as a boolean, or as the strings "True" and "False" that some identity providers send. */
    static Boolean active(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.textValue().equalsIgnoreCase("true") || value.textValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(value.textValue().toLowerCase(Locale.ROOT));
        }
        throw ScimException.invalidValue("active is true or false");
    }

    private static Map<String, String> attributes(JsonNode body) {
        Map<String, String> attributes = new HashMap<>();
        JsonNode enterprise = field(body, Scim.ENTERPRISE_USER);
        putText(attributes, "department", field(enterprise, "department"));
        putText(attributes, "organization", field(enterprise, "organization"));
        putText(attributes, "userType", field(body, "userType"));
        putText(attributes, "title", field(body, "title"));
        putText(attributes, "roles", primaryValue(field(body, "roles")));
        JsonNode portal = field(body, Scim.PORTAL_USER);
        putText(attributes, "role", field(portal, "role"));
        putText(attributes, "organization", field(portal, "organization"));
        return attributes;
    }

    private static void putText(Map<String, String> attributes, String key, JsonNode value) {
        String text = text(value);
        if (text != null && !text.isBlank()) {
            attributes.put(key, text);
        }
    }

    /** The value of the primary item of a multi-valued attribute, or of its first (or only) item. */
    static JsonNode primaryValue(JsonNode multi) {
        if (multi == null || multi.isNull()) {
            return null;
        }
        if (!multi.isArray()) {
            return multi.isObject() ? field(multi, "value") : multi;
        }
        JsonNode chosen = null;
        for (JsonNode item : multi) {
            JsonNode primary = field(item, "primary");
            if (chosen == null || primary != null && (primary.asBoolean() || "true".equalsIgnoreCase(primary.asText()))) {
                chosen = item;
            }
        }
        return chosen == null ? null : chosen.isObject() ? field(chosen, "value") : chosen;
    }

    private static Language language(String preferred, String locale) {
        for (String candidate : new String[] {preferred, locale}) {
            if (candidate == null || candidate.isBlank()) {
                continue;
            }
            try {
                return Language.of(candidate);
            } catch (InvalidValueException e) {
                try {
                    return Language.of(Locale.forLanguageTag(candidate.replace('_', '-')).getLanguage());
                } catch (InvalidValueException ignored) {
                    // a language this service has no emails in: the default one
                }
            }
        }
        return Language.ENGLISH;
    }

    /** A field of an object, its name compared without case as SCIM's attribute names are. */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    /** A string attribute's value: null when absent or null, refused when an object or an array. */
    static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw ScimException.invalidValue("a value that should be a string is an object or an array");
        }
        return node.asText();
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String attribute, Parse<T> parse) {
        try {
            return parse.get();
        } catch (InvalidValueException | NullPointerException e) {
            throw ScimException.invalidValue(attribute + ": " + (e.getMessage() == null ? "is required" : e.getMessage()));
        }
    }
}
