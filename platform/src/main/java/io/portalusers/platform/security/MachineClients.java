package io.portalusers.platform.security;

import io.portalusers.platform.problem.RuleViolationException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.List;

/**
 * What a machine client with the {@code audit:read} scope may call: the audit reads and the
 * reports, with GET only. Everything else (every command, every other read) answers 403 with
 * code {@value #CODE}, before any controller runs, so that no such request can append an event.
 */
public final class MachineClients {

    public static final String CODE = "audit-read-only";
    static final String DETAIL = "a machine client with the audit:read scope reads the audit record and the reports only";

    private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();
    private static final List<RequestMatcher> AUDIT_READS = List.of(
            PATHS.matcher(HttpMethod.GET, "/api/users/{id}/history"),
            request -> request.getParameter("at") != null && PATHS.matcher(HttpMethod.GET, "/api/users/{id}").matches(request),
            PATHS.matcher(HttpMethod.GET, "/api/audit/**"),
            PATHS.matcher(HttpMethod.GET, "/api/reports/**"));

    private MachineClients() {
    }

    /**
     * True for a request of a machine client outside what it may call. Error dispatches are
     * left alone: they render the answer of a request already let in.
     */
    static boolean outsideAuditReads(HttpServletRequest request) {
        return MachineClientAuthentication.current().isPresent()
                && request.getDispatcherType() != DispatcherType.ERROR
                && AUDIT_READS.stream().noneMatch(matcher -> matcher.matches(request));
    }

    static RuleViolationException readOnly() {
        return RuleViolationException.forbidden(CODE, DETAIL);
    }
}
