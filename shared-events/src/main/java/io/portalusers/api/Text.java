package io.portalusers.api;

import java.text.Normalizer;
import java.util.Locale;

/** The normalization every human-entered text goes through before it becomes a value. */
public final class Text {

    private Text() {
    }

    /**
     * Trims, NFC-normalizes and bounds a single-line text. Control characters (CR and LF
     * included) are refused rather than stripped, so that what is stored is what was meant.
     */
    public static String singleLine(String raw, int maxLength) {
        if (raw == null) {
            throw new InvalidValueException("is required");
        }
        String text = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        if (text.isEmpty()) {
            throw new InvalidValueException("must not be blank");
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new InvalidValueException("must be at most " + maxLength + " characters");
        }
        if (text.codePoints().anyMatch(Text::isControlOrInvisible)) {
            throw new InvalidValueException("must not contain control characters");
        }
        return text;
    }

    /**
     * The key under which two texts count as the same: compatibility-normalized (so that
     * width variants and ligatures meet) and case-folded. Look-alikes from other scripts
     * (Cyrillic a, Greek o) stay different, as they are different characters.
     * <p>
     * Java has no full case folding; lower, upper, lower again comes closest. Lower-casing
     * first is what makes capital sharp s meet the others: ẞ becomes ß, and upper-casing
     * then spells ẞ, ß and SS alike.
     */
    public static String foldCase(String text) {
        String compatible = Normalizer.normalize(text, Normalizer.Form.NFKC);
        String folded = compatible.toLowerCase(Locale.ROOT).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }

    private static boolean isControlOrInvisible(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }
}
