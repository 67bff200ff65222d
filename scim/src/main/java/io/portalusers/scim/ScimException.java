package io.portalusers.scim;

/** A SCIM error (RFC 7644, 3.12): an HTTP status and, for a 400 or a 409, a {@code scimType}. */
class ScimException extends RuntimeException {

    private final int status;
    private final String scimType;

    ScimException(int status, String scimType, String detail) {
        super(detail);
        this.status = status;
        this.scimType = scimType;
    }

    static ScimException invalidFilter(String detail) {
        return new ScimException(400, "invalidFilter", detail);
    }

    static ScimException invalidValue(String detail) {
        return new ScimException(400, "invalidValue", detail);
    }

    static ScimException invalidSyntax(String detail) {
        return new ScimException(400, "invalidSyntax", detail);
    }

    static ScimException notFound() {
        return new ScimException(404, null, "no such resource");
    }

    int status() {
        return status;
    }

    String scimType() {
        return scimType;
    }
}
