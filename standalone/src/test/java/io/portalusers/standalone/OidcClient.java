package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser and the portal's web app do to sign a user in through the service's OpenID
 * Connect provider, step by step over HTTP: the authorization request with PKCE (public client
 * {@code portal}, loopback redirect), the sign-in form with its CSRF token, the redirect back
 * with a code, and the code exchanged for tokens. One instance is one browser (its cookies).
 */
final class OidcClient {

    static final String CLIENT = "portal";
    static final String REDIRECT = "http://127.0.0.1/callback";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient browser = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    OidcClient(int port) {
        this.base = "http://localhost:" + port;
    }

    /** The outcome of a sign-in: tokens, or where the browser was sent instead (the sign-in page with an error). */
    record Outcome(JsonNode tokens, String location) {
        boolean signedIn() {
            return tokens != null;
        }

        String accessToken() {
            return tokens.get("access_token").asText();
        }

        /** The access token's claims, unverified (the API verifies them). */
        JsonNode claims() {
            try {
                return JSON.readTree(Base64.getUrlDecoder().decode(accessToken().split("\\.")[1]));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    Outcome signIn(String login, String password) throws Exception {
        String verifier = random(48);
        String state = random(16);
        String authorize = "/oauth2/authorize?" + form(Map.of(
                "response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "scope", "openid profile",
                "state", state, "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> first = get(authorize);
        if (first.statusCode() != 302 || !location(first).endsWith("/login")) {
            throw new AssertionError("the authorization request did not lead to sign-in: " + first.statusCode() + " " + location(first));
        }
        HttpResponse<String> page = get("/login");
        Matcher csrf = CSRF.matcher(page.body());
        if (!csrf.find()) {
            throw new AssertionError("no CSRF token on the sign-in page");
        }
        HttpResponse<String> posted = post("/login", form(Map.of("username", login, "password", password, "_csrf", csrf.group(1))));
        String next = location(posted);
        if (!next.contains("/oauth2/authorize")) {
            return new Outcome(null, next);
        }
        HttpResponse<String> back = get(next.substring(next.indexOf("/oauth2/authorize")));
        String callback = location(back);
        if (!callback.startsWith(REDIRECT) || !callback.contains("state=" + state)) {
            throw new AssertionError("not redirected back with the state: " + callback);
        }
        String code = query(callback).get("code");
        HttpResponse<String> tokens = post("/oauth2/token", form(Map.of("grant_type", "authorization_code",
                "client_id", CLIENT, "code", code, "redirect_uri", REDIRECT, "code_verifier", verifier)));
        if (tokens.statusCode() != 200) {
            throw new AssertionError("the code exchange answered " + tokens.statusCode() + " " + tokens.body());
        }
        return new Outcome(JSON.readTree(tokens.body()), callback);
    }

    /** The portal client trades a refresh token for new tokens, as a public client: its client id, no secret. */
    HttpResponse<String> refresh(String refreshToken) throws Exception {
        return post("/oauth2/token", form(Map.of("grant_type", "refresh_token", "client_id", CLIENT,
                "refresh_token", refreshToken)));
    }

    /**
     * Whether this browser's sign-in session still gets an authorization code without the
     * password: a fresh authorization request leads straight back to the client with a code,
     * rather than to the sign-in page.
     */
    boolean stillSignedIn() throws Exception {
        HttpResponse<String> again = get("/oauth2/authorize?" + form(Map.of(
                "response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "scope", "openid profile",
                "state", random(16), "code_challenge", challenge(random(48)), "code_challenge_method", "S256")));
        String next = location(again);
        if (next.endsWith("/login")) {
            return false;
        }
        if (next.startsWith(REDIRECT) && query(next).containsKey("code")) {
            return true;
        }
        throw new AssertionError("neither a code nor the sign-in page: " + again.statusCode() + " " + next);
    }

    HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElse("");
    }

    static String form(Map<String, String> fields) {
        return new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> query(String uri) {
        Map<String, String> values = new LinkedHashMap<>();
        String query = Optional.ofNullable(URI.create(uri).getRawQuery()).orElse("");
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static String random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    static String challenge(String verifier) throws NoSuchAlgorithmException {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }
}
