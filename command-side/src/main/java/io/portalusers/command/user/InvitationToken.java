package io.portalusers.command.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret of an activation link (R-ACT-2): 256 bits from {@link SecureRandom}, base64url.
 * Only its SHA-256 is looked up by; it never prints itself, so that no log line carries it
 * (R-ACT-3).
 */
final class InvitationToken {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String value;

    private InvitationToken(String value) {
        this.value = value;
    }

    static InvitationToken random() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return new InvitationToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** A token as presented in a link; empty when it cannot be one of ours. */
    static Optional<InvitationToken> parse(String presented) {
        return presented != null && FORM.matcher(presented).matches()
                ? Optional.of(new InvitationToken(presented)) : Optional.empty();
    }

    String value() {
        return value;
    }

    byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "InvitationToken[redacted]";
    }
}
