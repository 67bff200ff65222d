package io.portalusers.query.notifier;

/** What an email is about; each kind has its own texts in {@code mail/messages*.properties}. */
public enum MailKind {

    /** The account setup (activation) invitation, carrying the link with the token (R-ADD-7, R-ACT-2). */
    ACTIVATION(true),
    /** A registration request waits for a Portal Admin's decision (R-REG-2). */
    REGISTRATION_RECEIVED(false),
    /** A Portal Admin rejected the registration request; the reason where {@code portal.mail.rejection-reason} says so. */
    REGISTRATION_REJECTED(false),
    /** A pending registration request expired undecided. */
    REGISTRATION_EXPIRED(false),
    /** An accepted registration could not be completed (its organization name or address was taken meanwhile). */
    REGISTRATION_FAILED(false),
    /**
     * To the owner of an existing account whose address someone registered with (R-REG-4: the
     * visitor's answer says nothing; the address's owner learns it here).
     */
    REGISTRATION_EXISTING_ACCOUNT(false),
    /** The username of a registration belongs to someone else (the address to nobody): choose another. */
    REGISTRATION_USERNAME_TAKEN(false),
    /**
     * A link to reset a forgotten password (R-AUTH-4), asked for through
     * {@link io.portalusers.platform.mail.PasswordResetMailer} (written into the outbox by sign-in); its token waits in {@code mail_link_token}.
     */
    PASSWORD_RESET(true);

    private final boolean carriesToken;

    MailKind(boolean carriesToken) {
        this.carriesToken = carriesToken;
    }

    /** Whether the email can only be written with its link's token, and is void without it. */
    boolean carriesToken() {
        return carriesToken;
    }

    /** The prefix of this kind's keys in the message bundle. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
