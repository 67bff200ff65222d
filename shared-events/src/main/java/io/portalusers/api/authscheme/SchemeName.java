package io.portalusers.api.authscheme;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portalusers.api.Text;

/** An authentication scheme's name: unique case-insensitively. */
public record SchemeName(String value) {

    public static final int MAX_LENGTH = 100;

    public SchemeName {
        value = Text.singleLine(value, MAX_LENGTH);
    }

    @JsonCreator
    public static SchemeName of(String value) {
        return new SchemeName(value);
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
