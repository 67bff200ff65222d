package io.portalusers.platform.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.List;

/** 401 and 403 from the security filters, in the same problem+json shape as every other error. */
@Component
public class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ObjectMapper json;
    private final SecurityRefusals refusals;
    private final List<PathErrors> pathErrors;

    public ProblemSecurityHandlers(ObjectMapper json, SecurityRefusals refusals, ObjectProvider<PathErrors> pathErrors) {
        this.json = json;
        this.refusals = refusals;
        this.pathErrors = pathErrors.orderedStream().toList();
    }

    /** A missing token is a caller who has not signed in; a token that fails a check is counted and logged. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof OAuth2AuthenticationException) {
            refusals.record(SecurityRefusals.Reason.INVALID_TOKEN, request, why(e));
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        write(request, response, HttpStatus.UNAUTHORIZED, "unauthenticated", "a valid bearer token is required");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (MachineClientAuthentication.current().isPresent()) {
            write(request, response, HttpStatus.FORBIDDEN, MachineClients.CODE, MachineClients.DETAIL);
        } else {
            write(request, response, HttpStatus.FORBIDDEN, "forbidden", "not allowed");
        }
    }

    /**
     * Which check failed, in fixed words: the messages of the decoder can quote parts of the
     * token, which an operator's log has no use for.
     */
    static String why(AuthenticationException e) {
        String message = String.valueOf(e.getMessage());
        if (e.getCause() == null && !message.startsWith("An error occurred")) {
            return message; // our own refusals (ActorAuthenticationConverter) say it in fixed words
        }
        if (message.contains("iss claim")) {
            return "issued by another issuer";
        }
        if (message.contains("aud claim")) {
            return "issued for another audience";
        }
        if (message.contains("expired")) {
            return "expired";
        }
        if (message.contains("Signed JWT rejected") || message.contains("signature")) {
            return "not signed by a trusted key";
        }
        return "malformed or unsupported";
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String code,
                       String detail) throws IOException {
        for (PathErrors own : pathErrors) {
            if (own.covers(request)) {
                own.write(response, status, detail);
                return;
            }
        }
        Problems.write(response, json, Problems.of(status, code, detail));
    }
}
