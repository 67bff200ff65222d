package io.portalusers.platform.openapi;

import io.portalusers.platform.web.Page;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The query parameters as the handlers parse them: springdoc sees only {@code String} or
 * {@code int}, the handlers accept less (an enum, a range, an instant, a hash), and a client
 * generated from a bare string would send what is refused. By parameter name, with the
 * operations where a name means something else listed first (by path).
 */
final class QueryParameters {

    private static final String INSTANT = "An ISO-8601 instant such as 2026-01-31T00:00:00Z";
    private static final String HEX_HASH = "^[0-9a-fA-F]{64}$";

    /** "path name" for a parameter of one operation, "* name" for every other. */
    private static final Map<String, Supplier<Schema<?>>> SCHEMAS = Map.ofEntries(
            Map.entry("/api/users/suggestions limit", () -> range(1, 20)),
            Map.entry("/api/users page", () -> range(0, null).description("From 0; page times size must stay under "
                    + "the count's cap (1,000 by default; invalid-combination otherwise): narrow the search instead")),
            Map.entry("/api/admin/projections/{name}/dead-letters limit", () -> range(1, 200)),
            Map.entry("/api/admin/projections/{name}/dead-letters offset", () -> range(0, null)),
            Map.entry("/api/reports/pending-activations oldest", () -> range(0, 100)),
            Map.entry("/api/reports/registrations weeks", () -> range(1, 520)),
            Map.entry("/api/reports/invitations weeks", () -> range(1, 520)),
            Map.entry("/api/audit/events format", () -> oneOf("jsonl", "csv")),
            Map.entry("/api/users/{id}/history format", () -> oneOf("jsonl")),
            Map.entry("/api/audit/sign-ins outcome", () -> oneOf("SIGNED_IN", "FAILED", "THROTTLED", "SIGNED_OUT",
                    "SESSION_ENDED")),
            Map.entry("/api/audit/commands outcome", () -> oneOf("ACCEPTED", "REFUSED")),
            Map.entry("/api/audit/passwords event", () -> oneOf("RESET_REQUESTED", "RESET_COMPLETED",
                    "PASSWORD_CHANGED", "SESSIONS_ENDED")),
            Map.entry("/api/registrations status", () -> choice("pending", "accepted", "completed", "rejected",
                    "expired", "failed")),
            Map.entry("/api/audit/sign-ins user", () -> new StringSchema().format("uuid")),
            Map.entry("/api/audit/chain/verify from", () -> range(0, null).format("int64")),
            Map.entry("/api/audit/chain/verify hash", () -> new StringSchema().pattern(HEX_HASH)
                    .description("The hash at index from that you kept (64 hexadecimal digits); required with from")),
            Map.entry("/api/audit/chain/verify check", () -> new StringSchema().pattern("^[0-9]+:[0-9a-fA-F]{64}$")
                    .description("INDEX:HASH, a hash you kept that the one computed at that index must equal")),
            Map.entry("/api/admin/projections/{name}/reconciliation settledFor", () -> new StringSchema()
                    .pattern("^-?P(?=\\d|T\\d)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$")
                    .description("An ISO-8601 duration such as PT5M")),
            Map.entry("/api/events after", () -> range(0, null).format("int64")
                    .description("The position (global index) of the last event read; 0 from the start")),
            Map.entry("/api/events limit", () -> range(1, 1000)),
            Map.entry("/api/events wait", () -> range(0, 30).description("Seconds to wait for an event when there is "
                    + "none yet (long polling); at most portal.events.feed.max-wait, 30 by default")),
            Map.entry("/api/admin/webhooks/{id}/deliveries limit", () -> range(1, 1000)),
            Map.entry("/api/admin/webhooks/{id}/deliveries before", () -> range(0, null).format("int64")),
            Map.entry("/api/dev/token username", () -> new StringSchema().minLength(3).maxLength(64)),
            Map.entry("/api/users/suggestions name", () -> searchTerm().description("Give this or email, not both "
                    + "(invalid-combination otherwise)")),
            Map.entry("/api/users/suggestions email", () -> searchTerm().description("Give this or name, not both "
                    + "(invalid-combination otherwise)")),
            Map.entry("/api/organizations name", () -> new StringSchema().maxLength(100)
                    .description("A part of the name, matched anywhere in it regardless of case; % and _ are matched "
                            + "as themselves; blank: any name")),
            Map.entry("/api/organizations id", () -> new ArraySchema().items(new StringSchema().format("uuid"))
                    .maxItems(Page.MAX_SIZE).description("Only these organizations (the parameter repeated)")),
            Map.entry("* page", () -> range(0, null)),
            Map.entry("* size", () -> range(1, Page.MAX_SIZE)),
            Map.entry("* from", () -> new StringSchema().format("date-time").description(INSTANT)),
            Map.entry("* to", () -> new StringSchema().format("date-time").description(INSTANT)),
            Map.entry("* at", () -> new StringSchema().format("date-time").description(INSTANT)),
            Map.entry("* organization", () -> new StringSchema().format("uuid")),
            Map.entry("* name", () -> searchTerm()),
            Map.entry("* email", () -> searchTerm()),
            Map.entry("* category", () -> choice("publishers", "org-users", "developers")),
            Map.entry("* role", () -> choice("portal-admin", "api-owner", "org-admin", "org-publisher", "developer")),
            Map.entry("* state", () -> choice("pending", "active", "disabled")),
            Map.entry("* source", () -> choice("portal", "idp")),
            Map.entry("* sort", () -> oneOf("name", "email", "created", "-name", "-email", "-created")
                    .description("A field to sort by, ascending; with - before it, descending")));

    private QueryParameters() {
    }

    static void apply(OpenAPI openApi) {
        openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
            for (Parameter parameter : parameters) {
                if (!"query".equals(parameter.getIn())) {
                    continue;
                }
                Supplier<Schema<?>> schema = SCHEMAS.getOrDefault(path + " " + parameter.getName(),
                        SCHEMAS.get("* " + parameter.getName()));
                if (schema != null) {
                    Schema<?> constrained = schema.get();
                    Object fallback = parameter.getSchema() == null ? null : parameter.getSchema().getDefault();
                    if (fallback != null) {
                        constrained.setDefault(fallback);
                    }
                    parameter.setSchema(constrained);
                }
            }
        }));
    }

    private static Schema<?> range(int min, Integer max) {
        Schema<?> schema = new IntegerSchema().minimum(BigDecimal.valueOf(min));
        return max == null ? schema : schema.maximum(BigDecimal.valueOf(max));
    }

    private static Schema<?> oneOf(String... values) {
        return new StringSchema()._enum(List.of(values));
    }

    /**
     * A choice among {@code values}, which the service takes in any case, - and _ alike: each
     * value is listed as written here and as the answers' bodies name it (org-admin, ORG_ADMIN).
     */
    private static Schema<?> choice(String... values) {
        List<String> both = new java.util.ArrayList<>(List.of(values));
        for (String value : values) {
            both.add(value.replace('-', '_').toUpperCase(java.util.Locale.ROOT));
        }
        return new StringSchema()._enum(both)
                .description("Any case, - and _ alike; listed as written here and as the answers name it");
    }

    private static Schema<?> searchTerm() {
        return new StringSchema().minLength(3).maxLength(254)
                .description("At least three characters, matched anywhere in the field regardless of case; "
                        + "% and _ are matched as themselves");
    }
}
