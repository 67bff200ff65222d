package io.portalusers.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

public record UserId(UUID value) {

    public UserId {
        Objects.requireNonNull(value, "value");
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    @JsonCreator
    public static UserId of(String text) {
        return new UserId(UUID.fromString(text));
    }

    /** Axon routes commands by the identifier's string form, so it is the bare UUID. */
    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
