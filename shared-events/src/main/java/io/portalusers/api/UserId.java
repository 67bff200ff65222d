package io.portalusers.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

public record UserId(UUID value) {

    /**
     * The one spelling of a user id: 8-4-4-4-12 lower-case hex digits, as this service writes
     * it. {@link UUID#fromString} also takes {@code 0-0-4000-8000-1} for the bootstrap admin's
     * {@code 00000000-0000-4000-8000-000000000001}; a token naming such a subject must not
     * become that user.
     */
    private static final Pattern CANONICAL = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public UserId {
        Objects.requireNonNull(value, "value");
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    @JsonCreator
    public static UserId of(String text) {
        if (text == null || !CANONICAL.matcher(text).matches()) {
            throw new InvalidValueException("must be a UUID in canonical form (8-4-4-4-12 lower-case hex digits)");
        }
        return new UserId(UUID.fromString(text));
    }

    /** Axon routes commands by the identifier's string form, so it is the bare UUID. */
    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
