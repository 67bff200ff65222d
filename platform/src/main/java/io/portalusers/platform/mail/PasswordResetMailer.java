package io.portalusers.platform.mail;

import java.time.Instant;
import java.util.UUID;

/**
 * How the identity module has a password reset link emailed without writing the notifier's
 * tables itself. The notifier (query side) owns everything behind it: whom to write to, in
 * which language, the outbox row, retries and delivery. The implementation
 * ({@code JdbcPasswordResetMailer}) lives in platform, not in the notifier, as sign-in may run
 * in a process without the query side: the shared database is what carries the request.
 *
 * <p>Why a call and not an event: a reset request changes nothing about the account, so it has
 * no place in the user's event stream (R-AUTH-4), and the link's token may be in no event.
 * Both methods write in the caller's transaction: the email is queued together with the reset
 * link it carries, or neither is, and the dispatcher then sends it as every other email, with
 * retries and one Message-ID per link.
 */
public interface PasswordResetMailer {

    /**
     * Queues the email carrying {@code mail}'s link, in the caller's transaction, if the
     * notifier knows the user at an address whose key is {@code mail.emailKey()} (it learns
     * address changes from events, a moment late: a link never goes to an address the account
     * has just left). Runs the same statements whether or not it queues anything, so a caller
     * that must not reveal which case it met spends the same time on both.
     *
     * @return whether the email was queued
     */
    boolean queue(PasswordResetMail mail);

    /** Drops the user's reset emails not sent yet, in the caller's transaction: their links were voided. */
    void withdraw(UUID userId);

    /**
     * A reset link to email.
     *
     * @param resetId     names the link; the email's Message-ID derives from it
     * @param userId      the account whose password the link resets
     * @param emailKey    the key ({@code EmailAddress.key()}) of the account's address as the caller knows it now
     * @param token       the link's secret, kept by the notifier only until the email is sent or fails
     * @param expiresAt   when the link stops working, shown in the email
     * @param requestedAt when it was asked for
     */
    record PasswordResetMail(UUID resetId, UUID userId, String emailKey, String token, Instant expiresAt,
                             Instant requestedAt) {

        @Override
        public String toString() {
            return "PasswordResetMail[resetId=" + resetId + ", userId=" + userId + ", token=redacted]";
        }
    }
}
