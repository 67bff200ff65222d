package io.portalusers.platform.security;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.Arrays;
import java.util.List;

/**
 * What a machine client with {@code scope} may call: each module that serves such reads declares
 * a bean of these (the query side the audit reads and reports for {@code audit:read}), and
 * {@link MachineClients} lets a machine client through to nothing else. The matchers match as
 * the router does, like {@link AnonymousEndpoints}.
 */
public record MachineReads(String scope, List<RequestMatcher> matchers) {

    private static final PathPatternRequestMatcher.Builder ROUTED = PathPatternRequestMatcher.withDefaults();

    public MachineReads {
        matchers = List.copyOf(matchers);
    }

    /** GET of each of {@code patterns}, for a client with {@code scope}. */
    public static MachineReads get(String scope, String... patterns) {
        return new MachineReads(scope, Arrays.stream(patterns).map(MachineReads::get).toList());
    }

    /** A matcher of GET {@code pattern}, as the router matches it. */
    public static RequestMatcher get(String pattern) {
        return ROUTED.matcher(HttpMethod.GET, pattern);
    }
}
