package io.portalusers.platform.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Operations that two handler methods share, told apart by a query parameter
 * ({@code @GetMapping(params = "at")}): the document has one operation for both, so the
 * parameter that picks the handler is optional, and the answer's schema says which shape
 * each gives without an ambiguous {@code oneOf}.
 */
final class MergedOperations {

    private MergedOperations() {
    }

    static void apply(OpenAPI openApi) {
        Map<String, Schema> schemas = OpenApiDocumentation.schemas(openApi);
        Operation user = get(openApi, "/api/users/{id}");
        if (user != null) {
            optional(user, "at", "The user as of this instant (ISO-8601, such as 2026-01-31T12:00:00Z), rebuilt from "
                    + "its history; for audit readers. Without it, the user as it is now");
            // the version at an instant has the fields of the current view, without the invitation's delivery
            json200(user).setSchema(new Schema<>().$ref("#/components/schemas/UserView"));
        }
        Operation token = get(openApi, "/api/dev/token");
        if (token != null) {
            optional(token, "username", "A user's token for this username; give this or client");
            optional(token, "client", "A machine client's token; give this or username");
            // each shape is told apart by the fields it requires
            required(schemas, "IssuedToken", List.of("token", "userId", "expiresAt"));
            required(schemas, "ClientToken", List.of("token", "clientId", "scope", "expiresAt"));
        }
        Operation history = get(openApi, "/api/users/{id}/history");
        if (history != null) {
            optional(history, "format", "Without it, a page of JSON entries; with it, the whole history as a file "
                    + "in this format");
        }
    }

    private static Operation get(OpenAPI openApi, String path) {
        PathItem item = openApi.getPaths().get(path);
        return item == null ? null : item.getGet();
    }

    private static void optional(Operation operation, String name, String description) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter parameter : operation.getParameters()) {
            if (name.equals(parameter.getName()) && "query".equals(parameter.getIn())) {
                parameter.setRequired(false);
                parameter.setDescription(description);
            }
        }
    }

    private static io.swagger.v3.oas.models.media.MediaType json200(Operation operation) {
        return operation.getResponses().get("200").getContent().get("application/json");
    }

    private static void required(Map<String, Schema> schemas, String name, List<String> fields) {
        if (schemas.containsKey(name)) {
            schemas.get(name).setRequired(fields);
        }
    }
}
