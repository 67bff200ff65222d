package io.portalusers.identity;

import io.portalusers.platform.security.LinkToken;
import io.portalusers.platform.mail.PasswordResetMailer;
import io.portalusers.platform.mail.PasswordResetMailer.PasswordResetMail;
import io.portalusers.platform.password.PasswordPolicy;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forgot password (R-AUTH-4), for anyone: asking for a reset link by login, following the
 * link, and choosing a new password with it.
 *
 * <p>The answer to asking is one and the same, whether the login names an account that may
 * sign in with a password, one that may not (pending, disabled, an IdP user, everyone but
 * Portal Admins while SSO is on) or nothing: status, body and headers. So is the work
 * behind it: the same statements run in every case, those that would store a link or queue
 * an email for an account that gets none run for a fresh random id that matches nothing, and
 * every case writes its audit row and commits. Only the audit record says what happened.
 */
@RestController
@OnSignIn
class PasswordResetController {

    static final String REQUESTS = "/api/password-resets";
    static final String LINK = "/api/password-resets/{token}";
    static final int MAX_LOGIN = 254;
    static final Accepted ACCEPTED = new Accepted("ACCEPTED",
            "if this names an account that signs in with a password here, a link to choose a new one is on its way to "
                    + "the account's email address");

    /** The one answer to asking for a link. */
    record Accepted(String status, String detail) {
    }

    private final LocalAccounts accounts;
    private final PasswordResets resets;
    private final PasswordResetMailer mailer;
    private final PasswordPolicy policy;
    private final Credentials credentials;
    private final SessionTermination sessions;
    private final PasswordAudit audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration ttl;

    PasswordResetController(LocalAccounts accounts, PasswordResets resets, PasswordResetMailer mailer,
                            PasswordPolicy policy, Credentials credentials, SessionTermination sessions,
                            PasswordAudit audit, TransactionTemplate transactions, IdentityProperties properties,
                            ObjectProvider<Clock> clock) {
        this.accounts = accounts;
        this.resets = resets;
        this.mailer = mailer;
        this.policy = policy;
        this.credentials = credentials;
        this.sessions = sessions;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.ttl = properties.passwordResetTtl();
    }

    record ResetRequest(String login) {
    }

    /** What the reset form shows: when the link stops working and what a password must be. Nothing about the account. */
    record ResetForm(Instant expiresAt, int minLength, int maxLength) {
    }

    record NewPassword(String password) {

        @Override
        public String toString() {
            return "NewPassword[redacted]";
        }
    }

    static final class InvalidReset extends RuntimeException {
        InvalidReset() {
            super("invalid password reset link", null, false, false);
        }
    }

    @PostMapping(path = REQUESTS, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Accepted> request(@RequestBody ResetRequest body, HttpServletRequest http) {
        String login = body.login();
        FieldErrors errors = new FieldErrors();
        if (login == null || login.isBlank()) {
            errors.add("login", "is required");
        } else if (login.length() > MAX_LOGIN) {
            errors.add("login", "must be at most " + MAX_LOGIN + " characters");
        }
        errors.throwIfAny();
        Instant now = clock.instant();
        transactions.executeWithoutResult(status -> {
            var account = accounts.byLogin(login);
            // an account that gets no link: the same statements, aimed at an id that matches nothing
            UUID target = account.filter(LocalAccounts.PasswordAccount::maySignIn)
                    .map(LocalAccounts.PasswordAccount::userId).orElseGet(UUID::randomUUID);
            resets.lock(target);
            // read again under the lock: a disable or an email change that committed meanwhile counts
            var current = accounts.byId(target).filter(LocalAccounts.PasswordAccount::maySignIn);
            boolean eligible = current.isPresent();
            LinkToken token = LinkToken.random();
            UUID resetId = UUID.randomUUID();
            Instant expiresAt = now.plus(ttl);
            resets.issue(target, eligible, token, resetId, expiresAt, now);
            boolean queued = mailer.queue(new PasswordResetMail(resetId, target,
                    current.map(LocalAccounts.PasswordAccount::emailKey).orElse(""), token.value(), expiresAt, now));
            String outcome = account.isEmpty() ? PasswordAudit.UNKNOWN_LOGIN
                    : !eligible ? PasswordAudit.NOT_ELIGIBLE
                    : queued ? PasswordAudit.LINK_SENT : PasswordAudit.NO_CURRENT_ADDRESS;
            audit.record(PasswordAudit.Event.RESET_REQUESTED, account.map(LocalAccounts.PasswordAccount::userId).orElse(null),
                    outcome, http);
        });
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON).body(ACCEPTED);
    }

    /** Following the link shows the form and consumes nothing (R-ACT-4). */
    @GetMapping(path = LINK, produces = MediaType.APPLICATION_JSON_VALUE)
    ResetForm form(@PathVariable String token) {
        Instant now = clock.instant();
        return LinkToken.parse(token)
                .flatMap(t -> resets.find(t, now))
                .filter(link -> accounts.byId(link.userId()).map(LocalAccounts.PasswordAccount::maySignIn).orElse(false))
                .map(link -> new ResetForm(link.expiresAt(), PasswordPolicy.MIN_LENGTH, PasswordPolicy.MAX_LENGTH))
                .orElseThrow(InvalidReset::new);
    }

    /**
     * Completing the form: the link is used, the new password's hash stored, the user's other
     * links voided and every sign-in of the user ended (its authorizations deleted; sign-in
     * sessions end because the password changed after them, see {@link SignInSessions}), all
     * in one transaction. A refused password rolls it back: the link still works.
     */
    @PostMapping(path = LINK, consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> complete(@PathVariable String token, @RequestBody NewPassword body, HttpServletRequest http) {
        AtomicReference<UUID> user = new AtomicReference<>();
        try {
            LinkToken presented = LinkToken.parse(token).orElseThrow(InvalidReset::new);
            Instant now = clock.instant();
            transactions.executeWithoutResult(status -> {
                UUID userId = resets.consume(presented, now).orElseThrow(InvalidReset::new);
                user.set(userId);
                LocalAccounts.PasswordAccount account = accounts.byId(userId)
                        .filter(LocalAccounts.PasswordAccount::maySignIn)
                        .orElseThrow(InvalidReset::new);
                policy.check(body.password(), account.usernameKey());
                credentials.replace(userId, body.password(), now);
                resets.voidAll(userId);
                int ended = sessions.end(userId.toString());
                audit.record(PasswordAudit.Event.RESET_COMPLETED, userId, PasswordAudit.SUCCEEDED, http);
                audit.sessionsEnded(userId, ended, http);
            });
        } catch (InvalidReset invalid) {
            audit.record(PasswordAudit.Event.RESET_COMPLETED, user.get(), PasswordAudit.INVALID_LINK, http);
            throw invalid;
        } catch (FieldErrors.InvalidRequestException refused) {
            audit.record(PasswordAudit.Event.RESET_COMPLETED, user.get(), PasswordAudit.PASSWORD_REFUSED, http);
            throw refused;
        }
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(InvalidReset.class)
    ResponseEntity<ProblemDetail> invalid() {
        ProblemDetail body = Problems.of(HttpStatus.NOT_FOUND, "invalid-password-reset",
                "this password reset link is not valid (any more); ask for a new one");
        // not the request's path: it holds the token, and the answer must not differ by token
        body.setInstance(URI.create(REQUESTS));
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
