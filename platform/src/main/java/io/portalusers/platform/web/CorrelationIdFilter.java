package io.portalusers.platform.web;

import io.portalusers.platform.request.RequestMetadata;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.UUID;

/**
 * Takes the caller's {@code X-Correlation-Id} (or makes one), echoes it, and keeps it and
 * the {@code X-Reason} header for the commands this request sends. Runs before security so
 * that a 401 carries the id too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CorrelationIdFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(RequestMetadata.CORRELATION_ID_HEADER);
        String correlationId = RequestMetadata.isAcceptableCorrelationId(given) ? given : UUID.randomUUID().toString();
        response.setHeader(RequestMetadata.CORRELATION_ID_HEADER, correlationId);
        String reason = request.getHeader(RequestMetadata.REASON_HEADER);
        if (reason != null) {
            request.setAttribute(RequestMetadata.REASON_HEADER, reason);
        }
        MDC.put(RequestMetadata.CORRELATION_ID, correlationId);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(RequestMetadata.CORRELATION_ID);
        }
    }
}
