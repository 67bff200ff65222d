package io.portalusers.platform.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Leaves on every request, under {@link ClientAddresses#FORWARDING_ATTRIBUTE}, the headers with
 * which a page of this process calling its own API forwards the request's client address
 * (see {@link ClientAddresses#forwardingHeaders}). A request attribute is the server's own:
 * no client can set it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ForwardingHeadersFilter extends OncePerRequestFilter {

    private final ClientAddresses clients;

    public ForwardingHeadersFilter(ClientAddresses clients) {
        this.clients = clients;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.setAttribute(ClientAddresses.FORWARDING_ATTRIBUTE, clients.forwardingHeaders(request));
        chain.doFilter(request, response);
    }
}
