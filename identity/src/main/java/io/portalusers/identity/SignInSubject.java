package io.portalusers.identity;

import java.util.UUID;

/**
 * Whom a sign-in attempt is about: the user its login names (by username or email, whether or
 * not that user may sign in), else the keyed hash of the login. Both are throttled alike, so
 * that a throttled answer says nothing about whether an account exists.
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
