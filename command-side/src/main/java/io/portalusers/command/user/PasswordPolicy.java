package io.portalusers.command.user;

import io.portalusers.platform.problem.FieldErrors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The account setup form's password rule: 12 to 128 characters (code points), not one of
 * the common passwords of {@code common-passwords.txt} and not containing the username,
 * both ignoring case. Length is what makes a password strong; composition rules are not
 * asked for (NIST SP 800-63B).
 */
final class PasswordPolicy {

    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 128;

    private final Set<String> common;

    private PasswordPolicy(Set<String> common) {
        this.common = common;
    }

    static PasswordPolicy withEmbeddedList() {
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt");
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return new PasswordPolicy(lines.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Refuses {@code password} as a 400 on the field {@code password}; never echoes it. */
    void check(String password, String username) {
        FieldErrors errors = new FieldErrors();
        if (password == null) {
            errors.add("password", "is required");
        } else {
            int length = password.codePointCount(0, password.length());
            String folded = password.toLowerCase(Locale.ROOT);
            if (length < MIN_LENGTH || length > MAX_LENGTH) {
                errors.add("password", "must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
            } else if (common.contains(folded)) {
                errors.add("password", "is one of the most common passwords");
            } else if (folded.contains(username.toLowerCase(Locale.ROOT))) {
                errors.add("password", "must not contain the username");
            }
        }
        errors.throwIfAny();
    }
}
