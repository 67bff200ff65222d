package io.portalusers.api.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.Text;
import io.portalusers.api.privacy.Erased;

/** A sign-in name: unique across users after normalization and case folding (R-ADD-6). */
public record Username(String value) {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 64;

    /** What a username reads as once its person is erased (see {@link Erased}). */
    public static final Username ERASED = new Username(Erased.MARK);

    public Username {
        if (value != Erased.MARK) {
            value = Text.singleLine(value, MAX_LENGTH);
            if (value.codePointCount(0, value.length()) < MIN_LENGTH) {
                throw new InvalidValueException("must be at least " + MIN_LENGTH + " characters");
            }
            if (!value.codePoints().allMatch(Username::allowed)) {
                throw new InvalidValueException("may contain letters, digits and . _ - @ + only");
            }
        }
    }

    public boolean erased() {
        return value == Erased.MARK;
    }

    @JsonCreator
    public static Username of(String value) {
        return new Username(value);
    }

    /** The uniqueness key: two usernames with the same key are the same username. */
    public String key() {
        return Text.foldCase(value);
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }

    private static boolean allowed(int c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
    }
}
