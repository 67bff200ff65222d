package io.portalusers.platform.security;

import org.springframework.http.HttpMethod;

import java.util.List;

/**
 * Paths a module serves without a token; each module that has some declares a bean of these.
 * {@code method} null means every method. Every such path is rate limited per client
 * ({@code portal.rate-limit.anonymous.*}).
 */
public record AnonymousEndpoints(HttpMethod method, List<String> patterns) {

    public AnonymousEndpoints(List<String> patterns) {
        this(null, patterns);
    }

    public static AnonymousEndpoints of(String... patterns) {
        return new AnonymousEndpoints(null, List.of(patterns));
    }

    public static AnonymousEndpoints of(HttpMethod method, String... patterns) {
        return new AnonymousEndpoints(method, List.of(patterns));
    }
}
