package io.portalusers.platform.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.platform.problem.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

import java.io.IOException;

/** 401 and 403 from the security filters, in the same problem+json shape as every other error. */
@Component
public class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ObjectMapper json;

    public ProblemSecurityHandlers(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        write(response, HttpStatus.UNAUTHORIZED, "unauthenticated", "a valid bearer token is required");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (MachineClientAuthentication.current().isPresent()) {
            write(response, HttpStatus.FORBIDDEN, MachineClients.CODE, MachineClients.DETAIL);
        } else {
            write(response, HttpStatus.FORBIDDEN, "forbidden", "not allowed");
        }
    }

    private void write(HttpServletResponse response, HttpStatus status, String code, String detail) throws IOException {
        Problems.write(response, json, Problems.of(status, code, detail));
    }
}
