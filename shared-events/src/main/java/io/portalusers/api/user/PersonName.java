package io.portalusers.api.user;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.Text;

public record PersonName(String firstName, String lastName) {

    public static final int MAX_LENGTH = 100;

    public PersonName {
        firstName = part("firstName", firstName);
        lastName = part("lastName", lastName);
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
