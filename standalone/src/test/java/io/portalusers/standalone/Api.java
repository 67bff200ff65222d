package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A plain HTTP client for the service, as a caller outside sees it. It checks every answer
 * against the service's OpenAPI document ({@link ApiContract}): a mismatch fails the call. Only
 * a client made {@link #uncheckedAgainstOpenApi()} does not, for a service that serves no document.
 */
public final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final boolean checked;

    public Api(int port) {
        this("http://localhost:" + port);
    }

    /** A node at {@code base}, such as {@code http://127.0.0.1:8081}. */
    public Api(String base) {
        this(base, true);
    }

    private Api(String base, boolean checked) {
        this.base = base;
        this.checked = checked;
    }

    /** This client, not checking its exchanges: for a service whose /v3/api-docs does not answer. */
    public Api uncheckedAgainstOpenApi() {
        return new Api(base, false);
    }

    public Call get(String path) {
        return new Call(checked ? base : null, null, HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Call post(String path, String json) {
        return withBody("POST", path, json);
    }

    public Call put(String path, String json) {
        return withBody("PUT", path, json);
    }

    public Call patch(String path, String json) {
        return withBody("PATCH", path, json);
    }

    public Call delete(String path) {
        return new Call(checked ? base : null, null, HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    private Call withBody(String method, String path, String json) {
        return new Call(checked ? base : null, json, HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    public static final class Call {

        /** The service, when the exchange is to be checked against its document; else null. */
        private final String base;
        private final String body;
        private final HttpRequest.Builder request;

        private Call(String base, String body, HttpRequest.Builder request) {
            this.base = base;
            this.body = body;
            this.request = request.timeout(Duration.ofSeconds(30));
        }

        public Call token(String token) {
            return header("Authorization", "Bearer " + token);
        }

        public Call header(String name, String value) {
            request.setHeader(name, value);
            return this;
        }

        public Response send() {
            try {
                HttpRequest sent = request.build();
                HttpResponse<String> response = CLIENT.send(sent, HttpResponse.BodyHandlers.ofString());
                if (base != null) {
                    ApiContract.check(base, sent, body, response);
                }
                return new Response(response);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public record Response(HttpResponse<String> raw) {

        public int status() {
            return raw.statusCode();
        }

        public String body() {
            return raw.body();
        }

        public JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return raw.statusCode() + " " + raw.body();
        }
    }
}
