package io.portalusers.platform.openapi;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.security.AnonymousEndpoints;
import io.portalusers.platform.security.PathErrors;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;
import java.util.Map;

/**
 * The OpenAPI document at {@code /v3/api-docs} as integrators generate their clients from it:
 * without the parameters resolved from the token, with the bearer scheme and the anonymous
 * operations, the constraints of the request fields ({@link RequestFields}), the error
 * answers every operation can give ({@link #PROBLEM}), and nullable response fields
 * ({@link ResponseFields}). The API tests check every answer they receive against it.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiDocumentation {

    /** The schema of every error body (see {@code Problems}), answered as {@code application/problem+json}. */
    public static final String PROBLEM = "Problem";
    static final String BEARER = "bearer";
    static final String VERSIONED = "Versioned";
    static final String PROVISIONED = "Provisioned";
    static final String SETTINGS_VERSION = "SettingsVersion";
    static final String CLOUD_EVENT = "CloudEvent";

    static {
        // resolved from the token by ActorArgumentResolver, never sent by a caller
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Actor.class, AuditReader.class);
    }

    @Bean
    OpenApiCustomizer portalUsersDocument(List<AnonymousEndpoints> anonymous, List<PathErrors> ownErrors) {
        return openApi -> {
            components(openApi);
            RequestFields.apply(openApi);
            QueryParameters.apply(openApi);
            ResponseFields.apply(openApi);
            MergedOperations.apply(openApi);
            openApi.getPaths().forEach((path, item) -> {
                if (ownErrors.stream().noneMatch(errors -> errors.documents(path))) {
                    item.readOperationsMap().forEach((method, operation) ->
                            operation(path, HttpMethod.valueOf(method.name()), item, operation, anonymous));
                }
            });
            openApi.getPaths().remove("/error");
        };
    }

    private static void components(OpenAPI openApi) {
        Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
        openApi.setComponents(components);
        components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .bearerFormat("JWT").description("An access token of the service's own sign-in or of a trusted issuer"));
        openApi.addSecurityItem(new SecurityRequirement().addList(BEARER));
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema().description("the field, as a JSON path such as memberships[0].role"))
                .addProperty("message", new StringSchema())
                .required(List.of("field", "message"));
        components.addSchemas(PROBLEM, new ObjectSchema()
                .description("An error, as application/problem+json; code is stable (a rule id such as R-USER-2 where a rule refused)")
                .addProperty("type", new StringSchema().format("uri").example("urn:portal-users:problem:invalid-request"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema().minimum(java.math.BigDecimal.valueOf(400))
                        .maximum(java.math.BigDecimal.valueOf(599)))
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri"))
                .addProperty("code", new StringSchema().example("invalid-request"))
                .addProperty("correlationId", new StringSchema())
                .addProperty("errors", new ArraySchema().items(fieldError))
                .required(List.of("type", "title", "status", "code")));
        components.getSchemas().remove("ProblemDetail");
        components.addSchemas(VERSIONED, new ObjectSchema()
                .description("The resource written and its version: its ETag, the If-Match of the next change")
                .addProperty("id", new StringSchema().format("uuid"))
                .addProperty("version", new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ZERO))
                .required(List.of("id", "version")));
        components.addSchemas(SETTINGS_VERSION, new ObjectSchema()
                .description("The settings' version: their ETag, the If-Match of the next change")
                .addProperty("version", new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ZERO))
                .required(List.of("version")));
        components.addSchemas(CLOUD_EVENT, new ObjectSchema()
                .description("A domain event as a CloudEvents 1.0 message in the structured JSON format")
                .addProperty("specversion", new StringSchema()._enum(List.of("1.0")))
                .addProperty("id", new StringSchema().description("The event's id: the same on every delivery of it"))
                .addProperty("source", new StringSchema().format("uri-reference"))
                .addProperty("type", new StringSchema().example("io.portalusers.user.created"))
                .addProperty("subject", new StringSchema().description("The aggregate's id: the user, organization..."))
                .addProperty("time", new StringSchema().format("date-time"))
                .addProperty("datacontenttype", new StringSchema()._enum(List.of("application/json")))
                .addProperty("position", new StringSchema().pattern("^[0-9]+$")
                        .description("The event's position in the log (its global index), for after="))
                .addProperty("actorid", new StringSchema().description("Who caused the event, when known"))
                .addProperty("data", new ObjectSchema().description("The event's fields; personal ones of an erased "
                        + "person read as erased"))
                .required(List.of("specversion", "id", "source", "type", "position")));
        components.addSchemas(PROVISIONED, new ObjectSchema()
                .description("The user provisioned, and whether this call created it (201) or found it (200)")
                .addProperty("id", new StringSchema().format("uuid"))
                .addProperty("created", new io.swagger.v3.oas.models.media.BooleanSchema())
                .required(List.of("id", "created")));
    }

    /**
     * The success statuses of the operations whose handlers answer a ResponseEntity of another
     * status than 200 (which springdoc cannot see): by "METHOD path".
     */
    private static final Map<String, List<String>> SUCCESS = Map.ofEntries(
            Map.entry("POST /api/users", List.of("201")),
            Map.entry("POST /api/organizations", List.of("201")),
            Map.entry("POST /api/authentication-schemes", List.of("201")),
            Map.entry("POST /api/authentication-schemes/{id}/users", List.of("200", "201")),
            Map.entry("POST /api/registrations", List.of("202")),
            Map.entry("POST /api/password-resets", List.of("202")),
            Map.entry("POST /api/password-resets/{token}", List.of("204")),
            Map.entry("POST /api/me/password", List.of("204")),
            Map.entry("POST /api/admin/projections/{name}/rebuild", List.of("202")),
            Map.entry("POST /api/admin/webhooks", List.of("201")),
            Map.entry("DELETE /api/admin/webhooks/{id}", List.of("204")),
            Map.entry("DELETE /api/admin/projections/{name}/dead-letters/{sequenceId}", List.of("204")));

    private static void success(String path, HttpMethod method, ApiResponses responses) {
        List<String> statuses = SUCCESS.get(method.name() + " " + path);
        ApiResponse ok = responses.get("200");
        if (statuses == null || ok == null) {
            return;
        }
        responses.remove("200");
        for (String status : statuses) {
            ApiResponse answer = new ApiResponse().description(switch (status) {
                case "201" -> "Created";
                case "202" -> "Accepted";
                case "204" -> "No Content";
                default -> "OK";
            });
            if (!status.equals("204")) {
                answer.content(ok.getContent());
            }
            responses.addApiResponse(status, answer);
        }
    }

    /**
     * A command's answer, a map in its handler's signature: the id and version written (see
     * Versions); the settings, a singleton, answer only their version.
     */
    private static void writes(String path, ApiResponses responses) {
        responses.values().stream().filter(answer -> answer.getContent() != null)
                .flatMap(answer -> answer.getContent().values().stream())
                .filter(media -> media.getSchema() != null && media.getSchema().get$ref() == null
                        && media.getSchema().getAdditionalProperties() instanceof Schema<?> values
                        && "object".equals(values.getType()))
                .forEach(media -> media.setSchema(path.equals("/api/registrations") || path.startsWith("/api/account-setup")
                        // a message of their own, not a resource written: any object
                        ? new ObjectSchema()
                        : new Schema<>().$ref("#/components/schemas/"
                        + (path.endsWith("/users") && path.contains("authentication-schemes") ? PROVISIONED
                        : path.equals("/api/settings") ? SETTINGS_VERSION : VERSIONED))));
    }

    /** The operations answering a file, by path: their media types (the body is not JSON but lines or rows). */
    private static final Map<String, List<String>> FILES = Map.of(
            "/api/audit/events", List.of("application/x-ndjson", "text/csv"),
            "/api/users/{id}/history", List.of("application/x-ndjson"));

    /** The operations that look a resource up by a query parameter, not by a path: they answer 404 too. */
    private static final List<String> LOOKUPS = List.of("/api/dev/token");

    /** The feed: a batch of CloudEvents, which springdoc sees as bytes. */
    private static void feed(String path, ApiResponses responses) {
        ApiResponse ok = responses.get("200");
        if (!path.equals("/api/events") || ok == null) {
            return;
        }
        ok.description("The events after the position, oldest first (none when there are none yet); the "
                + "Feed-Position header is the position to ask after next").content(new Content().addMediaType(
                "application/cloudevents-batch+json", new MediaType().schema(new ArraySchema()
                        .items(new Schema<>().$ref("#/components/schemas/" + CLOUD_EVENT)))));
    }

    private static void files(String path, ApiResponses responses) {
        List<String> types = FILES.get(path);
        ApiResponse ok = responses.get("200");
        if (types == null || ok == null || ok.getContent() == null) {
            return;
        }
        ok.getContent().remove("*/*");
        // no schema: a file's lines are described in words, and an empty file is a valid answer
        types.forEach(type -> ok.getContent().addMediaType(type, new MediaType()));
        ok.description("OK: " + (types.size() > 1 ? "JSON lines (format=jsonl, one event per line) or CSV (format=csv)"
                : "with format, JSON lines (one entry per line); without it, a page of JSON"));
    }

    private static void operation(String path, HttpMethod method, PathItem item, Operation operation,
                                  List<AnonymousEndpoints> anonymous) {
        success(path, method, operation.getResponses());
        if (method != HttpMethod.GET) {
            writes(path, operation.getResponses());
        }
        files(path, operation.getResponses());
        feed(path, operation.getResponses());
        boolean open = anonymous.stream().anyMatch(endpoints -> matches(endpoints, path, method));
        if (open) {
            operation.setSecurity(List.of());
        }
        ApiResponses responses = operation.getResponses();
        boolean hasInput = operation.getRequestBody() != null
                || (operation.getParameters() != null && !operation.getParameters().isEmpty())
                || (item.getParameters() != null && !item.getParameters().isEmpty());
        if (hasInput) {
            problem(responses, "400", "The request is malformed or has invalid fields (code invalid-request, "
                    + "unknown-field, malformed-json, unreadable-body or a rule id), or fields each valid but not "
                    + "together, as the operation's description says (code invalid-combination); errors name the fields");
        }
        if (!open) {
            problem(responses, "401", "No valid access token (code unauthenticated)");
        }
        problem(responses, "403", "The caller may not do this (code forbidden or the rule id), or a request "
                + "refused before it reached the operation");
        if (path.contains("{") || LOOKUPS.contains(path)) {
            problem(responses, "404", "No such resource, or none the caller may see (code not-found)");
        }
        if (method != HttpMethod.GET) {
            problem(responses, "409", "Conflicts with the current state: stale-version (If-Match), already-exists, "
                    + "concurrent-modification or a uniqueness code");
            problem(responses, "422", "A business rule refused the request (code: the rule id)");
        }
        if (operation.getRequestBody() != null) {
            problem(responses, "413", "The body is too large (code payload-too-large)");
            problem(responses, "415", "The body is not JSON (code unsupported-media-type)");
        }
        problem(responses, "429", "Too many requests; Retry-After says when to try again");
        problem(responses, "503", "The database is out of reach (code database-unavailable), or the request's transaction "
                + "stayed open too long and stored nothing (code transaction-too-long); Retry-After says when to try again");
    }

    private static boolean matches(AnonymousEndpoints endpoints, String path, HttpMethod method) {
        if (endpoints.method() != null && !endpoints.method().equals(method)) {
            return false;
        }
        String concrete = path.replaceAll("\\{[^}/]+}", "x");
        return endpoints.patterns().stream().anyMatch(pattern ->
                PathPatternParser.defaultInstance.parse(pattern).matches(
                        org.springframework.http.server.PathContainer.parsePath(concrete)));
    }

    private static void problem(ApiResponses responses, String status, String description) {
        if (responses.containsKey(status)) {
            return;
        }
        responses.addApiResponse(status, new ApiResponse().description(description).content(new Content()
                .addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
    }

    static Map<String, Schema> schemas(OpenAPI openApi) {
        return openApi.getComponents().getSchemas();
    }
}
