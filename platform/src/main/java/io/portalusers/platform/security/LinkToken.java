package io.portalusers.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret of a link mailed to a user, an activation link's (R-ACT-2) or a password reset
 * link's (R-AUTH-4): 256 bits from {@link SecureRandom}, base64url. Only its SHA-256 is looked
 * up by; it never prints itself, so that no log line carries it (R-ACT-3).
 */
public final class LinkToken {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String value;

    private LinkToken(String value) {
        this.value = value;
    }

    public static LinkToken random() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return new LinkToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** A token as presented in a link; empty when it cannot be one of ours. */
    public static Optional<LinkToken> parse(String presented) {
        return presented != null && FORM.matcher(presented).matches()
                ? Optional.of(new LinkToken(presented)) : Optional.empty();
    }

    public String value() {
        return value;
    }

    public byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "LinkToken[redacted]";
    }
}
