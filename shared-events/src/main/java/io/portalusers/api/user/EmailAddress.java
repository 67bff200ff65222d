package io.portalusers.api.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.Text;
import io.portalusers.api.privacy.Erased;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An email address in canonical form: the local part NFC-normalized as typed, the domain
 * converted to ASCII (IDNA) and lower-cased. Canonicalizing a canonical address changes
 * nothing. Two addresses are the same account when their {@link #key() keys} are equal.
 */
public record EmailAddress(String value) {

    public static final int MAX_LOCAL_PART = 64;
    public static final int MAX_LENGTH = 254;

    private static final String LOCAL_SPECIALS = "!#$%&'*+/=?^_`{|}~-";
    private static final Pattern DOMAIN_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** What an email reads as once its person is erased (see {@link Erased}): no address, no key of one. */
    public static final EmailAddress ERASED = new EmailAddress(Erased.MARK);

    public EmailAddress {
        if (value != Erased.MARK) {
            value = canonical(value);
        }
    }

    public boolean erased() {
        return value == Erased.MARK;
    }

    @JsonCreator
    public static EmailAddress of(String value) {
        return new EmailAddress(value);
    }

    public String localPart() {
        return erased() ? value : value.substring(0, value.lastIndexOf('@'));
    }

    public String domain() {
        return erased() ? "" : value.substring(value.lastIndexOf('@') + 1);
    }

    /** The uniqueness key (R-ADD-6): case-folded after Unicode normalization. */
    public String key() {
        return erased() ? value : Text.foldCase(localPart()) + "@" + domain();
    }

    @JsonValue
    @Override
    public String toString() {
        return value;
    }

    private static String canonical(String raw) {
        String text = Text.singleLine(raw, MAX_LENGTH);
        int at = text.indexOf('@');
        if (at < 0 || at != text.lastIndexOf('@')) {
            throw new InvalidValueException("must contain exactly one @");
        }
        String local = text.substring(0, at);
        if (local.isEmpty() || local.codePointCount(0, local.length()) > MAX_LOCAL_PART) {
            throw new InvalidValueException("local part must be 1 to " + MAX_LOCAL_PART + " characters");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")
                || !local.codePoints().allMatch(EmailAddress::allowedInLocalPart)) {
            throw new InvalidValueException("local part has a character or dot that is not allowed");
        }
        String domain = asciiDomain(text.substring(at + 1));
        String address = local + "@" + domain;
        // Characters, as for the local part: a letter beyond the 16-bit range counts once.
        if (address.codePointCount(0, address.length()) > MAX_LENGTH) {
            throw new InvalidValueException("must be at most " + MAX_LENGTH + " characters");
        }
        return address;
    }

    private static String asciiDomain(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("domain is not a valid internationalized domain name");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new InvalidValueException("domain must have at least two labels");
        }
        for (String label : labels) {
            if (!DOMAIN_LABEL.matcher(label).matches()) {
                throw new InvalidValueException("domain is not valid");
            }
        }
        return ascii;
    }

    private static boolean allowedInLocalPart(int c) {
        return Character.isLetterOrDigit(c) || c == '.' || LOCAL_SPECIALS.indexOf(c) >= 0;
    }
}
