package io.portalusers.platform.problem;

import java.util.Objects;

/**
 * A module's unique constraint and the conflict its violation means to a caller: the rule that
 * refuses, the request field at fault (or null) and the message. The module that owns the
 * table declares its constraints as beans of this type; {@link UniqueConstraints} collects them.
 *
 * @param name    the constraint's name in the database
 * @param code    the rule id the conflict answers with
 * @param field   the request field that conflicts, or null
 * @param message what the answer says
 */
public record UniqueConstraint(String name, String code, String field, String message) {

    public UniqueConstraint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** The conflict a violation of this constraint is. */
    public ConflictException conflict() {
        return new ConflictException(code, field, message);
    }
}
