package io.portalusers.platform.password;

import io.portalusers.api.UserId;

import java.time.Instant;

/**
 * How account setup (command side) stores an account's first password without writing the
 * credentials itself: the identity module owns the credentials (how they are hashed, where they
 * are kept) and implements this. Like {@code PasswordResetMailer}, a call and not an event: a
 * password, even hashed, has no place in an event.
 */
public interface AccountPasswords {

    /**
     * Stores {@code password} as the user's password, in the caller's transaction: it is kept
     * with the activation it comes with, or neither is.
     */
    void setFirst(UserId userId, String password, Instant at);
}
