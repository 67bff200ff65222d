package io.portalusers.platform.problem;

/** The request conflicts with what exists (a taken name, a stale version): 409. */
public class ConflictException extends RuntimeException {

    private final String code;
    private final String field;

    public ConflictException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    /** The request field that conflicts, or null. */
    public String field() {
        return field;
    }
}
