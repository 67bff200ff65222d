package io.portalusers.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

public record OrganizationId(UUID value) {

    public OrganizationId {
        Objects.requireNonNull(value, "value");
    }

    public static OrganizationId random() {
        return new OrganizationId(UUID.randomUUID());
    }

    @JsonCreator
    public static OrganizationId of(String text) {
        return new OrganizationId(UUID.fromString(text));
    }

    /** Axon routes commands by the identifier's string form, so it is the bare UUID. */
    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
