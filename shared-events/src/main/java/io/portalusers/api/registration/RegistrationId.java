package io.portalusers.api.registration;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** A self-registration request (R-REG-1..4). */
public record RegistrationId(UUID value) {

    public RegistrationId {
        Objects.requireNonNull(value, "value");
    }

    public static RegistrationId random() {
        return new RegistrationId(UUID.randomUUID());
    }

    @JsonCreator
    public static RegistrationId of(String text) {
        return new RegistrationId(UUID.fromString(text));
    }

    /** Axon routes commands by the identifier's string form, so it is the bare UUID. */
    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
