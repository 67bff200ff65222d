package io.portalusers.scim;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.math.BigDecimal;
import java.util.List;

/**
 * The SCIM endpoints in the OpenAPI document as SCIM defines them (RFC 7643, RFC 7644), not as
 * the rest of the API answers: bodies as {@code application/scim+json} (JSON accepted too),
 * errors as SCIM errors, 201 for a created user and 204 for a deactivated one. The platform's
 * document customizer leaves these paths alone ({@link ScimSecurityErrors#documents}).
 */
@Configuration(proxyBeanMethods = false)
class ScimDocumentation {

    private static final String REF = "#/components/schemas/";
    private static final String ERROR = "ScimError";
    private static final String USER = "ScimUser";
    private static final String USER_INPUT = "ScimUserInput";
    private static final String GROUP = "ScimGroup";
    private static final String LIST = "ScimListResponse";
    private static final String PATCH = "ScimPatchOp";
    private static final String SEARCH = "ScimSearchRequest";
    private static final String PROBLEM = "application/problem+json";

    @Bean
    OpenApiCustomizer scimDocument() {
        return openApi -> {
            schemas(openApi);
            openApi.getPaths().forEach((path, item) -> {
                if (path.startsWith(Scim.BASE + "/")) {
                    item.readOperationsMap().forEach((method, operation) -> operation(path, method, operation));
                }
            });
        };
    }

    private static void operation(String path, PathItem.HttpMethod method, Operation operation) {
        String resource = path.substring(Scim.BASE.length() + 1);
        boolean one = resource.contains("{");
        boolean users = resource.startsWith("Users");
        boolean groups = resource.startsWith("Groups");
        ApiResponses responses = new ApiResponses();
        switch (method) {
            case GET -> responses.addApiResponse("200", ok(users && one ? USER : groups && one ? GROUP
                    : users || groups || resource.equals("Schemas") || resource.equals("ResourceTypes") ? LIST : null));
            case POST -> {
                if (resource.equals("Users/.search")) {
                    body(operation, SEARCH);
                    responses.addApiResponse("200", ok(LIST));
                } else if (users) {
                    body(operation, USER_INPUT);
                    responses.addApiResponse("201", ok(USER).description("Created; Location and ETag name it"));
                }
            }
            case PUT -> {
                if (users) {
                    body(operation, USER_INPUT);
                    responses.addApiResponse("200", ok(USER));
                }
            }
            case PATCH -> {
                body(operation, PATCH);
                responses.addApiResponse("200", ok(users ? USER : GROUP));
            }
            case DELETE -> {
                if (users) {
                    responses.addApiResponse("204", new ApiResponse().description("Deactivated: the user is kept, "
                            + "disabled, with its history (a later GET shows active false)"));
                }
            }
            default -> {
            }
        }
        error(responses, "400", "invalidFilter, invalidSyntax, invalidValue or invalidPath (scimType)");
        error(responses, "401", "No valid access token");
        error(responses, "403", groups && method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.PATCH
                ? "Organizations are created and kept by Portal Admins (R-ORG-1)"
                : "Not a SCIM client, not this client's user, or a rule refused (its id starts the detail)");
        if (one || method == PathItem.HttpMethod.POST) {
            error(responses, "404", "No such resource this client may see");
        }
        if (method != PathItem.HttpMethod.GET) {
            error(responses, "405", "A method this resource does not take");
            error(responses, "409", "uniqueness (scimType): the userName, email or externalId is taken (R-ADD-6)");
            error(responses, "412", "If-Match names a version that is no longer the current one");
            error(responses, "415", "The body is not application/scim+json or JSON");
        }
        error(responses, "406", "The caller accepts neither application/scim+json nor JSON");
        error(responses, "413", "The body is too large");
        error(responses, "429", "Too many requests; Retry-After says when to try again");
        error(responses, "503", "The database is out of reach, or the request's transaction stayed open too long and "
                + "stored nothing; Retry-After says when to try again");
        operation.setResponses(responses);
        if (operation.getParameters() != null) {
            for (Parameter parameter : operation.getParameters()) {
                switch (parameter.getName()) {
                    case "startIndex" -> parameter.setSchema(new IntegerSchema().minimum(BigDecimal.ONE)
                            .description("1-based; less than 1 counts as 1"));
                    case "count" -> parameter.setSchema(new IntegerSchema().minimum(BigDecimal.ZERO)
                            .description("At most 200 per page; more counts as 200"));
                    case "filter" -> parameter.setDescription("A SCIM filter (RFC 7644, 3.4.2.2), such as "
                            + "userName eq \"jane\" or emails.value co \"@example.com\"");
                    default -> {
                    }
                }
            }
        }
    }

    private static ApiResponse ok(String schema) {
        Schema<?> body = schema == null ? new ObjectSchema() : new Schema<>().$ref(REF + schema);
        return new ApiResponse().description("OK").content(new Content()
                .addMediaType(Scim.MEDIA_TYPE, new MediaType().schema(body))
                .addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new MediaType().schema(body)));
    }

    private static void body(Operation operation, String schema) {
        Schema<?> body = new Schema<>().$ref(REF + schema);
        operation.setRequestBody(new RequestBody().required(true).content(new Content()
                .addMediaType(Scim.MEDIA_TYPE, new MediaType().schema(body))
                .addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new MediaType().schema(body))));
    }

    /** A SCIM error; the platform's own filters (body size, rate, database) may answer problem+json before SCIM does. */
    private static void error(ApiResponses responses, String status, String description) {
        Content content = new Content().addMediaType(Scim.MEDIA_TYPE, new MediaType().schema(new Schema<>().$ref(REF + ERROR)));
        if (List.of("413", "429", "503").contains(status)) {
            content.addMediaType(PROBLEM, new MediaType().schema(new Schema<>().$ref(REF + "Problem")));
        }
        responses.addApiResponse(status, new ApiResponse().description(description).content(content));
    }

    private static void schemas(OpenAPI openApi) {
        Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
        openApi.setComponents(components);
        Schema<?> uris = new ArraySchema().items(new StringSchema());
        Schema<?> meta = new ObjectSchema()
                .addProperty("resourceType", new StringSchema())
                .addProperty("created", new StringSchema().format("date-time"))
                .addProperty("lastModified", new StringSchema().format("date-time"))
                .addProperty("location", new StringSchema())
                .addProperty("version", new StringSchema().description("The ETag: If-Match of the next change"));
        components.addSchemas(ERROR, new ObjectSchema().description("A SCIM error (RFC 7644, 3.12)")
                .addProperty("schemas", uris)
                .addProperty("status", new StringSchema().pattern("^[0-9]{3}$"))
                .addProperty("scimType", new StringSchema())
                .addProperty("detail", new StringSchema())
                .required(List.of("schemas", "status")));
        components.addSchemas(USER, user(uris, meta).required(List.of("schemas", "id")));
        Schema<?> input = user(uris, meta).description("A SCIM User as a client writes it (create, replace): userName, "
                + "name with givenName and familyName, and an email are required; read-only attributes are ignored")
                .required(List.of("userName", "name", "emails"));
        input.getProperties().get("name").required(List.of("givenName", "familyName"));
        ((ArraySchema) input.getProperties().get("emails")).minItems(1).getItems().required(List.of("value"));
        components.addSchemas(USER_INPUT, input);
        components.addSchemas(GROUP, new ObjectSchema()
                .description("An organization as a SCIM Group: its members of this client's scheme, and their "
                        + "org role in " + Scim.PORTAL_GROUP)
                .addProperty("schemas", uris)
                .addProperty("id", new StringSchema().format("uuid"))
                .addProperty("displayName", new StringSchema())
                .addProperty("members", new ArraySchema().items(new ObjectSchema()
                        .addProperty("value", new StringSchema())
                        .addProperty("display", new StringSchema())
                        .addProperty("type", new StringSchema())
                        .addProperty("$ref", new StringSchema())))
                .addProperty("meta", meta)
                .additionalProperties(true)
                .required(List.of("schemas", "id")));
        components.addSchemas(LIST, new ObjectSchema()
                .addProperty("schemas", uris)
                .addProperty("totalResults", new IntegerSchema().minimum(BigDecimal.ZERO))
                .addProperty("startIndex", new IntegerSchema().minimum(BigDecimal.ONE))
                .addProperty("itemsPerPage", new IntegerSchema().minimum(BigDecimal.ZERO))
                .addProperty("Resources", new ArraySchema().items(new ObjectSchema()))
                .required(List.of("schemas", "totalResults")));
        components.addSchemas(PATCH, new ObjectSchema().description("A SCIM PatchOp; op is add, remove or replace, "
                        + "in any case (Entra ID sends Replace)")
                .addProperty("schemas", uris)
                .addProperty("Operations", new ArraySchema().minItems(1).items(new ObjectSchema()
                        .addProperty("op", new StringSchema().pattern("^([Aa][Dd][Dd]|[Rr][Ee][Mm][Oo][Vv][Ee]|[Rr][Ee][Pp][Ll][Aa][Cc][Ee])$"))
                        .addProperty("path", new StringSchema())
                        .addProperty("value", new Schema<>().description("Any JSON value"))
                        .required(List.of("op"))))
                .additionalProperties(true)
                .required(List.of("Operations")));
        components.addSchemas(SEARCH, new ObjectSchema()
                .addProperty("schemas", uris)
                .addProperty("filter", new StringSchema())
                .addProperty("startIndex", new IntegerSchema())
                .addProperty("count", new IntegerSchema())
                .addProperty("attributes", new ArraySchema().items(new StringSchema()))
                .addProperty("excludedAttributes", new ArraySchema().items(new StringSchema()))
                // other attributes (sortBy, sortOrder) are taken and ignored: sorting is not supported
                .additionalProperties(true));
    }

    /** A SCIM User's schema, a fresh copy each time (the answer's and the request's differ in what is required). */
    private static Schema<?> user(Schema<?> uris, Schema<?> meta) {
        return new ObjectSchema()
                .description("A SCIM User with the enterprise extension and the portal's own ("
                        + Scim.PORTAL_USER + ": role and organization to write, accountRole and organizations "
                        + "to read); attributes= and excludedAttributes= leave fields out, never id and schemas")
                .addProperty("schemas", uris)
                .addProperty("id", new StringSchema().format("uuid"))
                .addProperty("externalId", new StringSchema().description("Written, never returned: kept only "
                        + "as a hash, like a sign-in subject"))
                .addProperty("userName", new StringSchema().minLength(3).maxLength(64))
                .addProperty("name", new ObjectSchema()
                        .addProperty("givenName", new StringSchema())
                        .addProperty("familyName", new StringSchema())
                        .addProperty("formatted", new StringSchema()))
                .addProperty("displayName", new StringSchema())
                .addProperty("emails", new ArraySchema().items(new ObjectSchema()
                        .addProperty("value", new StringSchema())
                        .addProperty("type", new StringSchema())
                        .addProperty("primary", new BooleanSchema())))
                .addProperty("active", new BooleanSchema())
                .addProperty("preferredLanguage", new StringSchema())
                .addProperty("meta", meta)
                .addProperty(Scim.PORTAL_USER, new ObjectSchema()
                        .description("The portal's extension: role and organization are written, accountRole and "
                                + "organizations read")
                        .addProperty("role", new StringSchema().description("The asserted role: a value of the "
                                + "scheme's roleValues, which the scheme's authorization type may make follow"))
                        .addProperty("organization", new StringSchema().description("The asserted organization, "
                                + "by the name of one that exists"))
                        .addProperty("accountRole", new StringSchema().description("The user's role, as the rest "
                                + "of the API names it"))
                        .addProperty("organizations", new ArraySchema().items(new ObjectSchema()
                                .addProperty("value", new StringSchema().format("uuid"))
                                .addProperty("display", new StringSchema())
                                .addProperty("role", new StringSchema()))))
                // the enterprise extension and attributes clients send that are ignored
                .additionalProperties(true);
    }
}
