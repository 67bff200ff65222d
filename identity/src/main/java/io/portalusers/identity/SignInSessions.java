package io.portalusers.identity;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A sign-in session at the provider (the browser's session cookie after the sign-in form)
 * lets the browser get new authorization codes without the password. A password reset or
 * change must end it (R-AUTH-4), on whichever node it lives: the session remembers when it
 * signed in, and a session that signed in before its user's password last changed
 * ({@code credential.updated_at}) is over. It is checked on every request of the provider's
 * endpoints, so the next authorization request of such a browser goes to the sign-in page.
 */
class SignInSessions {

    static final String SIGNED_IN_AT = SignInSessions.class.getName() + ".signedInAt";

    private final JdbcClient jdbc;
    private final Clock clock;

    SignInSessions(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Remembers in the session when it signed in, then goes on as {@code next}. */
    AuthenticationSuccessHandler stamping(AuthenticationSuccessHandler next) {
        return (request, response, authentication) -> {
            request.getSession().setAttribute(SIGNED_IN_AT, clock.instant());
            next.onAuthenticationSuccess(request, response, authentication);
        };
    }

    /** Ends, at its next request, a session that signed in before its user's password changed. */
    OncePerRequestFilter ending() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                HttpSession session = request.getSession(false);
                Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
                if (session != null && signedIn instanceof UsernamePasswordAuthenticationToken && signedIn.isAuthenticated()
                        && isOver(signedIn.getName(), session.getAttribute(SIGNED_IN_AT))) {
                    session.invalidate();
                    SecurityContextHolder.clearContext();
                }
                chain.doFilter(request, response);
            }
        };
    }

    private boolean isOver(String userId, Object signedInAt) {
        if (!(signedInAt instanceof Instant at)) {
            return true; // not stamped: signed in before this check existed
        }
        return jdbc.sql("select exists (select 1 from credential where user_id = ?::uuid and updated_at > ?)")
                .params(userId, at.atOffset(ZoneOffset.UTC))
                .query(Boolean.class).single();
    }
}
