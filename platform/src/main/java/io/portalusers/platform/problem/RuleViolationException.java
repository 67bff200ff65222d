package io.portalusers.platform.problem;

/**
 * A rule of docs/RULES.md refuses the request, with the rule id as the problem's code. A rule
 * about who may do what answers 403; a rule about what a request may ask for (an Org User
 * without a membership, a publisher turned Org User) answers 422 and names the field; a
 * rule about the form of a request (a search term too short to search with) answers 400
 * and names the field.
 */
public class RuleViolationException extends RuntimeException {

    private final String ruleId;
    private final String field;
    private final boolean malformed;

    private RuleViolationException(String ruleId, String field, boolean malformed, String message) {
        super(message);
        this.ruleId = ruleId;
        this.field = field;
        this.malformed = malformed;
    }

    public RuleViolationException(String ruleId, String message) {
        this(ruleId, null, false, message);
    }

    public static RuleViolationException forbidden(String ruleId, String message) {
        return new RuleViolationException(ruleId, null, false, message);
    }

    public static RuleViolationException unprocessable(String ruleId, String field, String message) {
        return new RuleViolationException(ruleId, java.util.Objects.requireNonNull(field, "field"), false, message);
    }

    public static RuleViolationException malformed(String ruleId, String field, String message) {
        return new RuleViolationException(ruleId, java.util.Objects.requireNonNull(field, "field"), true, message);
    }

    public String ruleId() {
        return ruleId;
    }

    /** The request field the rule refuses, for a 422; null for a 403. */
    public String field() {
        return field;
    }

    public boolean isForbidden() {
        return field == null;
    }

    /** A 400 rather than a 422: the request is not well-formed under the rule. */
    public boolean isMalformed() {
        return malformed;
    }
}
