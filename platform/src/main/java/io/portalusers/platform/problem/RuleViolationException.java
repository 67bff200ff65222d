package io.portalusers.platform.problem;

/** A rule of DESIGN.md refuses the request: 403 with the rule id as its code. */
public class RuleViolationException extends RuntimeException {

    private final String ruleId;

    public RuleViolationException(String ruleId, String message) {
        super(message);
        this.ruleId = ruleId;
    }

    public String ruleId() {
        return ruleId;
    }
}
