package io.portalusers.identity;

import io.portalusers.platform.request.RequestMetadata;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;

/**
 * Puts each password sign-in attempt into the audit record, from the authentication events
 * Spring Security publishes for the sign-in form (a throttled attempt as
 * {@link SignInThrottledEvent}). Events of other authentications (bearer tokens, OAuth
 * clients) carry no {@link SignInDetails} and are left alone. Runs in the request's thread: a
 * sign-in whose record cannot be written does not go through.
 */
class SignInAuditListener {

    private final SignInAuditLog log;

    SignInAuditListener(SignInAuditLog log) {
        this.log = log;
    }

    @EventListener
    void signedIn(AuthenticationSuccessEvent event) {
        record(event.getAuthentication(), SignInAuditLog.Outcome.SIGNED_IN);
    }

    @EventListener
    void refused(AbstractAuthenticationFailureEvent event) {
        record(event.getAuthentication(), event instanceof SignInThrottledEvent
                ? SignInAuditLog.Outcome.THROTTLED : SignInAuditLog.Outcome.FAILED);
    }

    private void record(Authentication attempt, SignInAuditLog.Outcome outcome) {
        if (!(attempt.getDetails() instanceof SignInDetails details) || details.subject() == null) {
            return;
        }
        SignInSubject subject = details.subject();
        log.record(new SignInAuditLog.Entry(outcome, subject.userId(), subject.loginHash(), details.oauthClientId(),
                details.address(), details.userAgent(), RequestMetadata.currentCorrelationId()));
    }
}
