package io.portalusers.platform.password;

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
 * The one password rule of the service, wherever a password is set (account setup, password
 * reset, password change): 12 to 128 characters (code points), not one of the common
 * passwords of {@code common-passwords.txt} and not containing the username, both ignoring
 * case. Length is what makes a password strong; composition rules are not asked for (NIST SP
 * 800-63B). It lives in the platform because the command side (account setup) and the
 * identity module (reset, change) both set passwords and must agree on the rule.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    private final Set<String> common;

    private PasswordPolicy(Set<String> common) {
        this.common = common;
    }

    public static PasswordPolicy withEmbeddedList() {
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
    public void check(String password, String username) {
        check("password", password, username);
    }

    /** Refuses {@code password} as a 400 on {@code field}; never echoes it. */
    public void check(String field, String password, String username) {
        FieldErrors errors = new FieldErrors();
        if (password == null) {
            errors.add(field, "is required");
        } else {
            int length = password.codePointCount(0, password.length());
            String folded = password.toLowerCase(Locale.ROOT);
            if (length < MIN_LENGTH || length > MAX_LENGTH) {
                errors.add(field, "must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
            } else if (common.contains(folded)) {
                errors.add(field, "is one of the most common passwords");
            } else if (folded.contains(username.toLowerCase(Locale.ROOT))) {
                errors.add(field, "must not contain the username");
            }
        }
        errors.throwIfAny();
    }
}
