package io.portalusers.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.UriBuilder;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The REST API as the console calls it: over HTTP (loopback when both run in one JVM), as the
 * signed-in admin with the access token the session holds (refreshed when it runs out), or
 * anonymously for the pages of people who are not signed in (account setup). Every answer,
 * refusals included, comes back as an {@link ApiAnswer}; none is an exception.
 */
final class ConsoleApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The request attribute the service's platform leaves the forwarding headers under (a {@code Map<String, String>}). */
    static final String FORWARDING = "io.portalusers.forwarding-headers";

    private final Supplier<String> baseUrl;
    private final OAuth2AuthorizedClientManager tokens;
    private volatile RestClient rest;

    ConsoleApi(Supplier<String> baseUrl, OAuth2AuthorizedClientManager tokens) {
        this.baseUrl = baseUrl;
        this.tokens = tokens;
    }

    ApiAnswer get(Function<UriBuilder, URI> uri) {
        return send(HttpMethod.GET, uri, null, true);
    }

    ApiAnswer get(String path, Object... variables) {
        return send(HttpMethod.GET, b -> b.path(path).build(variables), null, true);
    }

    ApiAnswer post(Object body, String path, Object... variables) {
        return send(HttpMethod.POST, b -> b.path(path).build(variables), body, true);
    }

    /** As the admin, with request headers of its own ({@code If-Match}, {@code X-Reason}). */
    ApiAnswer send(HttpMethod method, Object body, Map<String, String> headers, String path, Object... variables) {
        return send(method, b -> b.path(path).build(variables), body, true, headers);
    }

    /**
     * As nobody: the API's anonymous endpoints, on behalf of the visitor of the page being served.
     * The API counts its rate limit per client; called from here every visitor would be this
     * node's loopback address, so the call carries the visitor's address in the headers the
     * service left on the visitor's request ({@value #FORWARDING}: {@code X-Forwarded-For} with
     * the address as the service resolves it, trusted proxies included, and this process's proof
     * that the call is its own, which the API believes from loopback only). Nothing of what the
     * visitor sent is passed on.
     */
    ApiAnswer anonymous(HttpMethod method, Object body, String path, Object... variables) {
        return send(method, b -> b.path(path).build(variables), body, false, forwarding());
    }

    private static Map<String, String> forwarding() {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes current)
                || !(current.getRequest().getAttribute(FORWARDING) instanceof Map<?, ?> headers)) {
            return Map.of();
        }
        Map<String, String> forwarded = new LinkedHashMap<>();
        headers.forEach((name, value) -> forwarded.put(String.valueOf(name), String.valueOf(value)));
        return forwarded;
    }

    private ApiAnswer send(HttpMethod method, Function<UriBuilder, URI> uri, Object body, boolean asAdmin) {
        return send(method, uri, body, asAdmin, Map.of());
    }

    private ApiAnswer send(HttpMethod method, Function<UriBuilder, URI> uri, Object body, boolean asAdmin,
                           Map<String, String> headers) {
        RestClient.RequestBodySpec request = client().method(method).uri(uri).accept(MediaType.APPLICATION_JSON);
        headers.forEach((name, value) -> request.header(name, value));
        if (asAdmin) {
            request.headers(h -> h.setBearerAuth(accessToken()));
        }
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).body(body);
        }
        try {
            return request.exchange((req, res) -> new ApiAnswer(res.getStatusCode().value(), json(res.getBody().readAllBytes())));
        } catch (ResourceAccessException unreachable) {
            return ApiAnswer.unreachable();
        }
    }

    private String accessToken() {
        Authentication admin = SecurityContextHolder.getContext().getAuthentication();
        OAuth2AuthorizedClient client = tokens.authorize(
                OAuth2AuthorizeRequest.withClientRegistrationId(SignInRegistration.ID).principal(admin).build());
        if (client == null) {
            throw new IllegalStateException("the signed-in admin has no access token");
        }
        return client.getAccessToken().getTokenValue();
    }

    private RestClient client() {
        RestClient made = rest;
        if (made == null) {
            made = RestClient.builder().baseUrl(baseUrl.get()).build();
            rest = made;
        }
        return made;
    }

    private static JsonNode json(byte[] body) throws IOException {
        return body.length == 0 ? MissingNode.getInstance() : JSON.readTree(body);
    }

    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
