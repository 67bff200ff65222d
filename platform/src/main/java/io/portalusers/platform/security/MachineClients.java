package io.portalusers.platform.security;

import io.portalusers.platform.problem.RuleViolationException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a machine client may call: with a scope, the reads the modules declared for it
 * ({@link MachineReads}: the query side's audit reads and reports for {@code audit:read}, the
 * SCIM endpoints for {@code scim:write}), and with {@code metrics:read} the metrics, GET only. Everything else (every command, every
 * other read) answers 403 with code {@value #CODE}, before any controller runs, so that no such
 * request can append an event.
 */
public final class MachineClients {

    public static final String CODE = "audit-read-only";
    static final String DETAIL = "a machine client calls only what its scopes cover: the audit record and the reports "
            + "(audit:read), the metrics (metrics:read), SCIM provisioning (scim:write)";

    static final String[] METRICS = {"/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/**"};

    private final Map<String, List<RequestMatcher>> reads;

    /** The metrics reads, and those the modules declared. */
    MachineClients(List<MachineReads> declared) {
        Map<String, List<RequestMatcher>> all = new HashMap<>();
        Stream.concat(Stream.of(MachineReads.get(MachineClientAuthentication.METRICS_READ, METRICS)), declared.stream())
                .forEach(read -> all.merge(read.scope(), read.matchers(),
                        (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        this.reads = Map.copyOf(all);
    }

    /**
     * True for a request of a machine client outside what it may call. Error dispatches are
     * left alone: they render the answer of a request already let in.
     */
    boolean outsideGrantedReads(HttpServletRequest request) {
        return MachineClientAuthentication.current()
                .filter(client -> request.getDispatcherType() != DispatcherType.ERROR)
                .filter(client -> reads.entrySet().stream()
                        .noneMatch(read -> client.has(read.getKey()) && matchesAny(read.getValue(), request)))
                .isPresent();
    }

    private static boolean matchesAny(List<RequestMatcher> matchers, HttpServletRequest request) {
        return matchers.stream().anyMatch(matcher -> matcher.matches(request));
    }

    static RuleViolationException readOnly() {
        return RuleViolationException.forbidden(CODE, DETAIL);
    }
}
