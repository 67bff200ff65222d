package io.portalusers.standalone;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The document at /v3/api-docs, which integrators generate their clients from, is valid OpenAPI. */
class OpenApiDocumentTest extends ApiTest {

    @Test
    void the_document_parses_without_errors() throws Exception {
        Api.Response document = api.get("/v3/api-docs").send();
        Files.writeString(Path.of("target/api-docs.json"), document.body());

        SwaggerParseResult parsed = new OpenAPIParser().readContents(document.body(), null, null);

        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI()).isNotNull();
    }

    @Test
    void no_operation_asks_the_caller_for_what_the_token_says() {
        JsonNode paths = api.get("/v3/api-docs").send().json().get("paths");
        List<String> resolved = new ArrayList<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            for (JsonNode parameter : operation.getValue().path("parameters")) {
                String name = parameter.get("name").asText();
                if (name.equals("actor") || name.equals("reader")) {
                    resolved.add(operation.getKey() + " " + path.getKey() + " " + name);
                }
            }
        }));

        assertThat(paths.size()).isGreaterThan(30);
        assertThat(resolved).isEmpty();
    }

    @Test
    void operations_are_secured_by_bearer_tokens_but_the_anonymous_ones() {
        JsonNode document = api.get("/v3/api-docs").send().json();

        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(document.at("/security/0").has("bearer")).isTrue();
        assertThat(document.at("/paths/~1api~1registrations/post/security")).isEmpty();
        assertThat(document.at("/paths/~1api~1password-resets/post/security")).isEmpty();
        // what a visitor's sign-up page reads of the settings: only that, and without a token
        assertThat(document.at("/paths/~1api~1settings~1registration/get/security")).isEmpty();
        assertThat(document.at("/paths/~1api~1settings/get").has("security")).isFalse();
        assertThat(document.at("/paths/~1api~1users/post").has("security")).isFalse();
        assertThat(document.at("/paths/~1api~1users/post/responses").has("401")).isTrue();
        assertThat(document.at("/paths/~1api~1registrations/post/responses").has("401")).isFalse();
        assertThat(document.at("/paths/~1api~1users/post/requestBody/content/application~1json/schema/$ref").asText())
                .endsWith("CreateUserRequest");
        assertThat(document.at("/components/schemas/CreateUserRequest/required").toString()).contains("username", "email");
    }
}
