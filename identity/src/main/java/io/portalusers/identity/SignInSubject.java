package io.portalusers.identity;

import java.util.UUID;

/**
 * Whom a sign-in attempt is about: the user its login names (by username or email, whether or
 * not that user may sign in), else the keyed hash of the login. Both are throttled alike, so
 * that a throttled answer says nothing about whether an account exists.
 *
 * <p>A user's username and email count as one account, so an attacker does not get twice the
 * guesses by switching between them. The price: one who knows a username and an email, and
 * has tripped the throttle with one, could tell from the other being throttled at once that
 * both name one account; an unknown login's spellings are counted apart. That tells nothing
 * to someone who does not already hold both, and is taken over doubling every account's guesses.
 */
record SignInSubject(UUID userId, String loginHash) {

    static SignInSubject user(UUID userId) {
        return new SignInSubject(userId, null);
    }

    static SignInSubject unknown(String loginHash) {
        return new SignInSubject(null, loginHash);
    }

    /** The subject's key in the throttle. */
    String key() {
        return userId != null ? "user:" + userId : "login:" + loginHash;
    }
}
