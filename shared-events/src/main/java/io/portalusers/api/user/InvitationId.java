package io.portalusers.api.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.UUID;

/** One activation invitation of a user; a token is bound to it (R-ACT-2). Not the token. */
public record InvitationId(UUID value) {

    public InvitationId {
        Objects.requireNonNull(value, "value");
    }

    public static InvitationId random() {
        return new InvitationId(UUID.randomUUID());
    }

    @JsonCreator
    public static InvitationId of(String text) {
        return new InvitationId(UUID.fromString(text));
    }

    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
