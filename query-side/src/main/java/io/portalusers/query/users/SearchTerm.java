package io.portalusers.query.users;

import io.portalusers.api.Text;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.platform.problem.RuleViolationException;

/**
 * What a caller typed into the name or email field: trimmed and NFC-normalized like the
 * names and emails it is compared with, at least {@value #MIN_LENGTH} characters
 * (R-SEARCH-2), every character taken literally (R-SEARCH-3).
 */
record SearchTerm(String text) {

    static final int MIN_LENGTH = 3;
    /** The longest email; no name or email is longer, so no longer term can match. */
    static final int MAX_LENGTH = EmailAddress.MAX_LENGTH;

    /** Refuses a term too long or with control characters as an invalid value, one too short by R-SEARCH-2. */
    static SearchTerm of(String field, String raw) {
        String text = raw.isBlank() ? "" : Text.singleLine(raw, MAX_LENGTH);
        if (text.codePointCount(0, text.length()) < MIN_LENGTH) {
            throw RuleViolationException.malformed("R-SEARCH-2", field, "must have at least " + MIN_LENGTH
                    + " consecutive characters; a shorter term would match nearly everyone");
        }
        return new SearchTerm(text);
    }

    /** A LIKE pattern (escape character backslash) that matches text starting with the term. */
    String prefix() {
        return escaped() + "%";
    }

    /** LIKE's wildcards and its escape character as plain characters; {@code *} and {@code ?} are plain to LIKE. */
    private String escaped() {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
