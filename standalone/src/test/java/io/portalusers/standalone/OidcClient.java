package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.net.ssl.SSLSession;

/**
 * What a browser and the portal's web app do to sign a user in through the service's OpenID
 * Connect provider, step by step over HTTP: the authorization request with PKCE (public client
 * {@code portal}, loopback redirect), the sign-in form with its CSRF token, the redirect back
 * with a code, and the code exchanged for tokens. One instance is one browser (its cookies):
 * on localhost, or behind a trusted proxy (its requests then go out of a socket bound to the
 * proxy's address with {@code X-Forwarded-For} naming the browser's).
 */
public final class OidcClient {

    static final String CLIENT = "portal";
    static final String REDIRECT = "http://127.0.0.1/callback";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    @FunctionalInterface
    private interface Transport {
        HttpResponse<String> send(String method, String path, String form, String userAgent) throws Exception;
    }

    private final Transport transport;
    private String userAgent = "OidcClient/1.0 (test)";
    private String csrf;

    public OidcClient(int port) {
        String base = "http://localhost:" + port;
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.transport = (method, path, form, agent) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("User-Agent", agent);
            if (form == null) {
                request.header("Accept", "text/html").GET();
            } else {
                request.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form));
            }
            return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
        };
    }

    /** A browser at {@code address}, whose requests come through the trusted proxy at {@code proxy}. */
    public OidcClient(int port, String proxy, String address) {
        Map<String, String> cookies = new LinkedHashMap<>();
        this.transport = (method, path, form, agent) -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Forwarded-For", address);
            headers.put("User-Agent", agent);
            headers.put("Accept", "text/html");
            if (!cookies.isEmpty()) {
                headers.put("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                        .collect(Collectors.joining("; ")));
            }
            RawHttp.Answer answer = RawHttp.send(proxy, "127.0.0.1", port, method, path, form,
                    "application/x-www-form-urlencoded", headers);
            for (String cookie : answer.cookies()) {
                String pair = cookie.split(";", 2)[0];
                int eq = pair.indexOf('=');
                cookies.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
            return new RawResponse(answer, URI.create("http://localhost:" + port + path));
        };
    }

    /** The User-Agent this browser sends from now on. */
    public OidcClient userAgent(String agent) {
        this.userAgent = agent;
        return this;
    }

    /** The outcome of a sign-in: tokens, or where the browser was sent instead (the sign-in page with an error). */
    public record Outcome(JsonNode tokens, String location) {
        public boolean signedIn() {
            return tokens != null;
        }

        public String accessToken() {
            return tokens.get("access_token").asText();
        }

        public String idToken() {
            return tokens.get("id_token").asText();
        }

        /** The access token's claims, unverified (the API verifies them). */
        public JsonNode claims() {
            try {
                return JSON.readTree(Base64.getUrlDecoder().decode(accessToken().split("\\.")[1]));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public Outcome signIn(String login, String password) throws Exception {
        String verifier = random(48);
        String state = random(16);
        String authorize = "/oauth2/authorize?" + form(Map.of(
                "response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "scope", "openid profile",
                "state", state, "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> first = get(authorize);
        if (first.statusCode() != 302 || !location(first).endsWith("/login")) {
            throw new AssertionError("the authorization request did not lead to sign-in: " + first.statusCode() + " " + location(first));
        }
        csrf = null;
        String next = location(password(login, password));
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

    /**
     * Posts the sign-in form, as a script guessing passwords does: the form's CSRF token is
     * fetched once per browser session and used again. Its answer: where the browser is sent.
     */
    public HttpResponse<String> password(String login, String password) throws Exception {
        if (csrf == null) {
            Matcher token = CSRF.matcher(get("/login").body());
            if (!token.find()) {
                throw new AssertionError("no CSRF token on the sign-in page");
            }
            csrf = token.group(1);
        }
        HttpResponse<String> answer = post("/login", form(Map.of("username", login, "password", password, "_csrf", csrf)));
        if (!location(answer).endsWith("/login?error")) {
            csrf = null; // signed in: the session has a new CSRF token
        }
        return answer;
    }

    /** RP-initiated logout at the provider's end-session endpoint, in this browser's session. */
    public HttpResponse<String> logout(String idToken) throws Exception {
        return get("/connect/logout?" + form(Map.of("id_token_hint", idToken, "client_id", CLIENT,
                "post_logout_redirect_uri", REDIRECT, "state", "out")));
    }

    public HttpResponse<String> get(String path) throws Exception {
        return transport.send("GET", path, null, userAgent);
    }

    HttpResponse<String> post(String path, String form) throws Exception {
        return transport.send("POST", path, form, userAgent);
    }

    /** A raw socket's answer as java.net.http's, for the steps above. */
    private record RawResponse(RawHttp.Answer answer, URI uri) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return answer.status();
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(uri).build();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(answer.headers().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), (name, value) -> true);
        }

        @Override
        public String body() {
            return answer.body();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

    public static String location(HttpResponse<?> response) {
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
