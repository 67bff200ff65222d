package io.portalusers.identity;

import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/** A password sign-in refused by the throttle without its password being checked (R-AUTH-3). */
public class SignInThrottledEvent extends AbstractAuthenticationFailureEvent {

    public SignInThrottledEvent(Authentication authentication, AuthenticationException exception) {
        super(authentication, exception);
    }
}
