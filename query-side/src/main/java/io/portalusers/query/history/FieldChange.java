package io.portalusers.query.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** One account field an event changed, with its value before and after ({@code before} is null at creation). */
record FieldChange(String field, Object before, Object after) {

    private record Field(String name, Function<UserState, Object> value) {
    }

    /** The fields of the account view a person edits or that say who the account is; derived ones are left out. */
    private static final List<Field> FIELDS = List.of(
            new Field("username", UserState::username),
            new Field("email", UserState::email),
            new Field("firstName", UserState::firstName),
            new Field("lastName", UserState::lastName),
            new Field("language", UserState::language),
            new Field("role", UserState::role),
            new Field("enabled", UserState::enabled),
            new Field("activation", UserState::activation),
            new Field("invitation", state -> state.invitation() == null ? null : state.invitation().status()),
            new Field("source", UserState::source),
            new Field("schemeId", UserState::schemeId));

    /** The fields whose values differ, in the view's order; {@code before} is null for the creation. */
    static List<FieldChange> between(UserState before, UserState after) {
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
