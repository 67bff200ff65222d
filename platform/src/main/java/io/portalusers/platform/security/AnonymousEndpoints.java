package io.portalusers.platform.security;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.List;

/**
 * Paths a module serves without a token; each module that has some declares a bean of these.
 * {@code method} null means every method. Every such path is rate limited per client
 * ({@code portal.rate-limit.anonymous.*}).
 *
 * <p>Security and the rate limit use the same {@link #matchers}, and they match
 * the way Spring MVC routes: by the decoded path without {@code ;parameters}. So every
 * spelling of a path that reaches a controller ({@code /api/regi%73trations}) is also every
 * spelling that is let in anonymously and limited; a matcher of the raw URI would let the
 * encoded spellings past the limit.
 */
public record AnonymousEndpoints(HttpMethod method, List<String> patterns) {

    private static final PathPatternRequestMatcher.Builder ROUTED = PathPatternRequestMatcher.withDefaults();

    public AnonymousEndpoints {
        patterns = List.copyOf(patterns);
    }

    public static AnonymousEndpoints of(String... patterns) {
        return new AnonymousEndpoints(null, List.of(patterns));
    }

    public static AnonymousEndpoints of(HttpMethod method, String... patterns) {
        return new AnonymousEndpoints(method, List.of(patterns));
    }

    /** One matcher per pattern, matching as the router does. */
    public List<RequestMatcher> matchers() {
        return patterns.stream().map(pattern -> (RequestMatcher) ROUTED.matcher(method, pattern)).toList();
    }
}
