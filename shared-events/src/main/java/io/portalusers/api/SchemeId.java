package io.portalusers.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

public record SchemeId(UUID value) {

    public SchemeId {
        Objects.requireNonNull(value, "value");
    }

    public static SchemeId random() {
        return new SchemeId(UUID.randomUUID());
    }

    @JsonCreator
    public static SchemeId of(String text) {
        return new SchemeId(UUID.fromString(text));
    }

    /** Axon routes commands by the identifier's string form, so it is the bare UUID. */
    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
