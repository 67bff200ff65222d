package io.portalusers.api.privacy;

/**
 * What a {@link PersonalData} field reads as once its key is shredded: the text {@value #TEXT}
 * for a free text, and the {@code ERASED} constant of a value type (its JSON is that text too).
 * No value a person can enter spells a username or an email this way: brackets are refused.
 */
public final class Erased {

    public static final String TEXT = "[erased]";

    /**
     * The one instance value types compare by reference to let their erased constant skip the
     * validation a real value goes through: no text read or typed is this instance.
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    public static final String MARK = new String(TEXT);

    private Erased() {
    }

    /** Whether {@code text} is what an erased free text reads as. */
    public static boolean isErased(String text) {
        return TEXT.equals(text);
    }
}
