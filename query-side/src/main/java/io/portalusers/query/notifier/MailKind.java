package io.portalusers.query.notifier;

/** What an email is about; each kind has its own texts in {@code mail/messages*.properties}. */
public enum MailKind {

    /** The account setup (activation) invitation, carrying the link with the token (R-ADD-7, R-ACT-2). */
    ACTIVATION(true);

    private final boolean carriesToken;

    MailKind(boolean carriesToken) {
        this.carriesToken = carriesToken;
    }

    /** Whether the email can only be written with its invitation's token, and is void without it. */
    boolean carriesToken() {
        return carriesToken;
    }

    /** The prefix of this kind's keys in the message bundle. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
