package io.portalusers.platform.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * The database out of reach where no controller advice sees it: in a filter (the bearer
 * token's subject is looked up in the database during authentication, the Idempotency-Key
 * records are read before the controller). Such a failure would leave the filter chain as a
 * 500 (and the container's error dispatch would authenticate again, against the same
 * database). This answers it as {@link ProblemAdvice} answers it in a controller: 503,
 * {@value DatabaseUnavailable#CODE}, {@code Retry-After}. Right after the correlation id's
 * filter, so the answer carries the id.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class DatabaseUnavailableFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);

    private final ObjectMapper json;

    DatabaseUnavailableFilter(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!DatabaseUnavailable.causes(e) || response.isCommitted()) {
                throw e;
            }
            log.warn("Database unavailable: answered 503 ({})", e.getClass().getSimpleName());
            response.resetBuffer();
            DatabaseUnavailable.write(response, json);
        }
    }
}
