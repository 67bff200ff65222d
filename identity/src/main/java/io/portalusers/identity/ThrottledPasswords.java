package io.portalusers.identity;

import io.portalusers.platform.security.SecurityRefusals;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;

/**
 * R-AUTH-3: the sign-in form's password check, behind the {@link SignInThrottle}. A throttled
 * attempt is refused before the password is looked at, with the exception of a wrong password
 * (a {@link BadCredentialsException}), so the browser meets the same redirect to the sign-in
 * page with the same message. Unknown logins are throttled exactly as accounts are (under the
 * keyed hash of the login), so being throttled tells nothing about whether an account exists.
 * What it does tell, by answering without the password hash's delay, is that the guess was
 * not checked: which the caller may know, as the attacker gains nothing by it.
 */
class ThrottledPasswords implements AuthenticationProvider {

    /** What a throttled attempt throws: a wrong password to the browser, its own event for the audit record. */
    static final class SignInThrottledException extends BadCredentialsException {
        SignInThrottledException() {
            super("Bad credentials");
        }
    }

    private final DaoAuthenticationProvider passwords;
    private final LocalAccounts accounts;
    private final SignInThrottle throttle;
    private final SecurityRefusals refusals;

    ThrottledPasswords(DaoAuthenticationProvider passwords, LocalAccounts accounts, SignInThrottle throttle,
                       SecurityRefusals refusals) {
        this.passwords = passwords;
        this.accounts = accounts;
        this.throttle = throttle;
        this.refusals = refusals;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication.getDetails() instanceof SignInDetails details)) {
            // only the sign-in form's requests reach this provider, each with its details
            throw new BadCredentialsException("Bad credentials");
        }
        SignInSubject subject = accounts.subject(authentication.getName());
        details.subject(subject);
        SignInThrottle.Admission attempt = throttle.admit(subject.key(), details.clientKey());
        if (attempt.throttled()) {
            refusals.record(SecurityRefusals.Reason.SIGN_IN_THROTTLED, "POST", IdentityConfiguration.SIGN_IN,
                    details.address(), "sign-in attempts past the " + describe(attempt.refusedBy()) + " throttle");
            throw new SignInThrottledException();
        }
        Authentication signedIn;
        try {
            signedIn = passwords.authenticate(authentication);
        } catch (BadCredentialsException wrong) {
            throttle.failed(attempt);
            throw wrong;
        }
        throttle.succeeded(attempt);
        return signedIn;
    }

    private static String describe(SignInThrottle.Level level) {
        return switch (level) {
            case ACCOUNT -> "account's";
            case PAIR -> "account-and-client";
            case CLIENT -> "client's";
        };
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
