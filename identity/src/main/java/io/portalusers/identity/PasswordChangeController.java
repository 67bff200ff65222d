package io.portalusers.identity;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.password.PasswordPolicy;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.RuleViolationException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * A signed-in user changes its own password (R-AUTH-4), proving it knows the current one:
 * a stolen access token alone does not let its holder lock the owner out. The new password
 * follows the rule of account setup. The change ends the user's other authorizations (their
 * refresh tokens with them) and every sign-in session at the provider (see
 * {@link SignInSessions}); the authorization of the token that asked stays, so the client
 * that made the change keeps working until its token expires.
 */
@RestController
@OnSignIn
class PasswordChangeController {

    static final String PATH = "/api/me/password";
    static final String RULE = "R-AUTH-4";

    private final LocalAccounts accounts;
    private final Credentials credentials;
    private final PasswordPolicy policy;
    private final PasswordResets resets;
    private final SessionTermination sessions;
    private final PasswordAudit audit;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PasswordChangeController(LocalAccounts accounts, Credentials credentials, PasswordPolicy policy,
                             PasswordResets resets, SessionTermination sessions, PasswordAudit audit,
                             TransactionTemplate transactions, ObjectProvider<Clock> clock) {
        this.accounts = accounts;
        this.credentials = credentials;
        this.policy = policy;
        this.resets = resets;
        this.sessions = sessions;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    record PasswordChange(String currentPassword, String newPassword) {

        @Override
        public String toString() {
            return "PasswordChange[redacted]";
        }
    }

    private static final class Refused extends RuntimeException {
        final String outcome;

        Refused(String outcome, RuntimeException answer) {
            super(answer.getMessage(), answer, false, false);
            this.outcome = outcome;
        }
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> change(Actor actor, @RequestBody PasswordChange body, HttpServletRequest http) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        UUID userId = actor.userId().value();
        // the caller's own authorization, found by its access token; another issuer's token has none
        String keep = caller instanceof JwtAuthenticationToken jwt ? jwt.getToken().getTokenValue() : null;
        Instant now = clock.instant();
        try {
            transactions.executeWithoutResult(status -> {
                LocalAccounts.PasswordAccount account = accounts.byId(userId)
                        .filter(LocalAccounts.PasswordAccount::maySignIn)
                        .orElseThrow(() -> new Refused(PasswordAudit.NO_LOCAL_PASSWORD, RuleViolationException.forbidden(
                                RULE, "this account has no password here to change: it signs in elsewhere")));
                String hash = credentials.lockedHash(userId).orElse(null);
                if (!credentials.matches(body.currentPassword(), hash)) {
                    throw new Refused(PasswordAudit.WRONG_CURRENT_PASSWORD, RuleViolationException.unprocessable(
                            RULE, "currentPassword", "is not the account's current password"));
                }
                try {
                    policy.check("newPassword", body.newPassword(), account.usernameKey());
                } catch (FieldErrors.InvalidRequestException refused) {
                    throw new Refused(PasswordAudit.PASSWORD_REFUSED, refused);
                }
                credentials.replace(userId, body.newPassword(), now);
                resets.voidAll(userId);
                int ended = sessions.endAllBut(userId.toString(), keep);
                audit.record(PasswordAudit.Event.PASSWORD_CHANGED, userId, PasswordAudit.SUCCEEDED, http);
                audit.sessionsEnded(userId, ended, http);
            });
        } catch (Refused refused) {
            audit.record(PasswordAudit.Event.PASSWORD_CHANGED, userId, refused.outcome, http);
            throw (RuntimeException) refused.getCause();
        }
        return ResponseEntity.noContent().build();
    }
}
