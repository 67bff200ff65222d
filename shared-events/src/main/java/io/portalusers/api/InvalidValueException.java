package io.portalusers.api;

/** A value that cannot be accepted, with a reason a caller can read and act on. */
public class InvalidValueException extends IllegalArgumentException {

    private final String field;

    public InvalidValueException(String reason) {
        this(null, reason);
    }

    public InvalidValueException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    /** The field that holds the value, where the value knows it; else null. */
    public String field() {
        return field;
    }

    public InvalidValueException inField(String name) {
        return new InvalidValueException(name, getMessage());
    }
}
