package io.portalusers.platform.security;

import io.portalusers.platform.problem.RuleViolationException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.Arrays;
import java.util.List;

/**
 * What a machine client may call: with {@code audit:read} the audit reads and the reports,
 * with {@code metrics:read} the metrics, GET only. Everything else (every command, every other
 * read) answers 403 with code {@value #CODE}, before any controller runs, so that no such
 * request can append an event.
 */
public final class MachineClients {

    public static final String CODE = "audit-read-only";
    static final String DETAIL = "a machine client reads only what its scopes cover: the audit record and the reports "
            + "(audit:read), the metrics (metrics:read)";

    private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();
    private static final List<RequestMatcher> AUDIT_READS = List.of(
            PATHS.matcher(HttpMethod.GET, "/api/users/{id}/history"),
            request -> request.getParameter("at") != null && PATHS.matcher(HttpMethod.GET, "/api/users/{id}").matches(request),
            PATHS.matcher(HttpMethod.GET, "/api/audit/**"),
            PATHS.matcher(HttpMethod.GET, "/api/reports/**"));
    static final String[] METRICS = {"/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/**"};
    private static final List<RequestMatcher> METRICS_READS = Arrays.stream(METRICS)
            .map(path -> (RequestMatcher) PATHS.matcher(HttpMethod.GET, path)).toList();

    private MachineClients() {
    }

    /**
     * True for a request of a machine client outside what it may call. Error dispatches are
     * left alone: they render the answer of a request already let in.
     */
    static boolean outsideGrantedReads(HttpServletRequest request) {
        return MachineClientAuthentication.current()
                .filter(client -> request.getDispatcherType() != DispatcherType.ERROR)
                .filter(client -> !(client.has(MachineClientAuthentication.AUDIT_READ) && matchesAny(AUDIT_READS, request))
                        && !(client.has(MachineClientAuthentication.METRICS_READ) && matchesAny(METRICS_READS, request)))
                .isPresent();
    }

    private static boolean matchesAny(List<RequestMatcher> matchers, HttpServletRequest request) {
        return matchers.stream().anyMatch(matcher -> matcher.matches(request));
    }

    static RuleViolationException readOnly() {
        return RuleViolationException.forbidden(CODE, DETAIL);
    }
}
