package io.portalusers.standalone;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's own OpenAPI document ({@code /v3/api-docs}, loaded once per running service)
 * as a check of every exchange the API tests make through {@link Api}: the answer's status must
 * be documented for the operation, with its content type and a body of its schema. A request
 * the service accepted (2xx) must be one the document accepts too; a refused one is not
 * checked, since tests send malformed requests on purpose. Only {@code /api/} and
 * {@code /scim/v2/} paths are documented operations; a 404 or 405 for a path or method the document lacks is the truth too.
 */
final class ApiContract {

    private static final Map<String, OpenApiInteractionValidator> BY_SERVICE = new ConcurrentHashMap<>();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private ApiContract() {
    }

    static void check(String base, HttpRequest sent, String body, HttpResponse<String> answer) {
        URI uri = sent.uri();
        String path = uri.getRawPath();
        if (!path.startsWith("/api/") && !path.startsWith("/scim/v2/")) {
            return;
        }
        List<ValidationReport.Message> errors = errors(BY_SERVICE.computeIfAbsent(base, ApiContract::load), sent, body,
                answer);
        if (!errors.isEmpty()) {
            // the document may be another service's that had this port before (a random port is
            // reused once freed): read the one of the service answering now, and check again
            OpenApiInteractionValidator current = load(base);
            BY_SERVICE.put(base, current);
            errors = errors(current, sent, body, answer);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("The answer " + answer.statusCode() + " to " + sent.method() + " " + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " does not match /v3/api-docs:\n"
                    + SimpleValidationReportFormat.getInstance().apply(ValidationReport.from(errors))
                    + "\nbody: " + answer.body());
        }
    }

    private static List<ValidationReport.Message> errors(OpenApiInteractionValidator validator, HttpRequest sent,
                                                         String body, HttpResponse<String> answer) {
        URI uri = sent.uri();
        Request request = request(sent, body, uri);
        SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.statusCode())
                .withBody(answer.body() == null ? "" : answer.body());
        answer.headers().map().forEach(response::withHeader);
        ValidationReport report = validator.validateResponse(request.getPath(), request.getMethod(), response.build());
        int status = answer.statusCode();
        if (status / 100 == 2) {
            report = report.merge(validator.validateRequest(request));
        }
        return report.getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .filter(message -> !((status == 404 || status == 405)
                        && message.getKey().matches("validation\\.request\\.(path\\.missing|operation\\.notAllowed)")))
                // a file (JSON lines, CSV) may be empty: no event in the range asked is a valid export
                .filter(message -> !(message.getKey().equals("validation.response.body.missing") && isFile(answer)))
                .toList();
    }

    private static boolean isFile(HttpResponse<String> answer) {
        String type = answer.headers().firstValue("Content-Type").orElse("");
        return type.startsWith("application/x-ndjson") || type.startsWith("text/csv");
    }

    private static Request request(HttpRequest sent, String body, URI uri) {
        SimpleRequest.Builder request = new SimpleRequest.Builder(sent.method(), uri.getRawPath());
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                request.withQueryParam(name, value);
            }
        }
        sent.headers().map().forEach(request::withHeader);
        if (body != null) {
            request.withBody(body);
        }
        return request.build();
    }

    private static OpenApiInteractionValidator load(String base) {
        try {
            HttpResponse<String> document = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v3/api-docs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (document.statusCode() != 200) {
                throw new IllegalStateException("no OpenAPI document: " + document.statusCode());
            }
            return OpenApiInteractionValidator.createForInlineApiSpecification(document.body()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
