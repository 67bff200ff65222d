package io.portalusers.api.authscheme;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.Text;
import io.portalusers.api.user.Role;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a scheme reads an IdP's assertion: which attribute names the user's organization (by
 * its name), which names its role, and which attribute values stand for which role.
 */
public record AttributeMappings(String organizationAttribute, String roleAttribute, Map<String, Role> roleValues) {

    public static final int MAX_LENGTH = 100;

    public AttributeMappings {
        organizationAttribute = attribute("organizationAttribute", organizationAttribute);
        roleAttribute = attribute("roleAttribute", roleAttribute);
        if (roleValues == null || roleValues.isEmpty()) {
            throw new InvalidValueException("roleValues", "must map at least one attribute value to a role");
        }
        Map<String, Role> values = new LinkedHashMap<>();
        roleValues.forEach((value, role) -> {
            if (role == null) {
                throw new InvalidValueException("roleValues", "every value must map to a role");
            }
            values.put(attribute("roleValues", value), role);
        });
        roleValues = Map.copyOf(values);
    }

    private static String attribute(String field, String raw) {
        try {
            return Text.singleLine(raw, MAX_LENGTH);
        } catch (InvalidValueException e) {
            throw e.inField(field);
        }
    }
}
