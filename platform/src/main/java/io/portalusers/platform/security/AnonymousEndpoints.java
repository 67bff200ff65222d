package io.portalusers.platform.security;

import java.util.List;

/** Paths a module serves without a token; each module that has some declares a bean of these. */
public record AnonymousEndpoints(List<String> patterns) {

    public static AnonymousEndpoints of(String... patterns) {
        return new AnonymousEndpoints(List.of(patterns));
    }
}
