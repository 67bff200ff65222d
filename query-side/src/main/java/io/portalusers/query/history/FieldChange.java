package io.portalusers.query.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** One account field an event changed, with its value before and after ({@code before} is null at creation). */
record FieldChange(String field, Object before, Object after) {

    private record Field(String name, Function<UserVersion, Object> value) {
    }

    /** The fields of the account view a person edits or that say who the account is; derived ones are left out. */
    private static final List<Field> FIELDS = List.of(
            new Field("username", UserVersion::username),
            new Field("email", UserVersion::email),
            new Field("firstName", UserVersion::firstName),
            new Field("lastName", UserVersion::lastName),
            new Field("language", UserVersion::language),
            new Field("role", UserVersion::role),
            new Field("enabled", UserVersion::enabled),
            new Field("activation", UserVersion::activation),
            new Field("invitation", user -> user.invitation() == null ? null : user.invitation().status()),
            new Field("source", UserVersion::source),
            new Field("schemeId", UserVersion::schemeId));

    /** The fields whose values differ, in the view's order; {@code before} is null for the creation. */
    static List<FieldChange> between(UserVersion before, UserVersion after) {
        List<FieldChange> changes = new ArrayList<>();
        for (Field field : FIELDS) {
            Object old = before == null ? null : field.value().apply(before);
            Object now = field.value().apply(after);
            if (!Objects.equals(old, now)) {
                changes.add(new FieldChange(field.name(), old, now));
            }
        }
        return changes;
    }
}
