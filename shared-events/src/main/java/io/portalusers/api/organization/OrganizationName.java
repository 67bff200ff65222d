package io.portalusers.api.organization;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portalusers.api.Text;

/** An organization's name: unique case-insensitively (R-ORG-1). */
public record OrganizationName(String value) {

    public static final int MAX_LENGTH = 100;

    public OrganizationName {
        value = Text.singleLine(value, MAX_LENGTH);
    }

    @JsonCreator
    public static OrganizationName of(String value) {
        return new OrganizationName(value);
    }

    public String key() {
        return Text.foldCase(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }
}
