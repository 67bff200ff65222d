package io.portalusers.api.user;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.Text;
import io.portalusers.api.privacy.Erased;

public record PersonName(String firstName, String lastName) {

    public static final int MAX_LENGTH = 100;
    /** What a name reads as once its person is erased (see {@link Erased}). */
    public static final PersonName ERASED = new PersonName(Erased.TEXT, Erased.TEXT);

    public PersonName {
        firstName = part("firstName", firstName);
        lastName = part("lastName", lastName);
    }

    public boolean erased() {
        return equals(ERASED);
    }

    /** The "First Last" form users are searched by (R-SEARCH-1). */
    public String fullName() {
        return firstName + " " + lastName;
    }

    private static String part(String field, String raw) {
        try {
            return Text.singleLine(raw, MAX_LENGTH);
        } catch (InvalidValueException e) {
            throw e.inField(field);
        }
    }
}
