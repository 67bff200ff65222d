package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.core.models.ParseOptions;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema-driven fuzz run over every operation of {@code /v3/api-docs}, as an integrator's
 * tooling would drive the API from the document alone: requests generated from the schemas
 * (valid ones at the bounds of each constraint, and ones breaking a constraint), sent as the
 * Portal Admin, and those of {@code /scim/v2} as an identity provider's SCIM client. Every answer is checked against the document ({@link ApiContract}: status,
 * content type, body schema; an accepted request must be one the document accepts), no answer
 * may be a 5xx, a request the document calls valid must not be refused as malformed, and every
 * operation that creates or changes a resource must have accepted at least one generated request.
 * The seed is fixed so that a failure repeats ({@code -Dfuzz.seed=N} tries another).
 */
class ApiFuzzTest extends ApiTest {

    /** The codes that say "this request does not match the document": a valid request never gets them. */
    private static final Set<String> MALFORMED = Set.of("invalid-request", "unknown-field", "malformed-json",
            "unreadable-body", "unsupported-media-type");
    /** The SCIM error types (scimType) that say the same of a SCIM request. */
    private static final Set<String> SCIM_MALFORMED = Set.of("invalidSyntax");
    /**
     * Operations that must have accepted a generated request: their inputs are all in the
     * document. Not provisioning, whose attributes must name an organization that exists, nor
     * memberships, which only an Org User has (R-EDIT-5): from schemas alone, whether one is
     * accepted depends on the seed.
     */
    private static final Set<String> MUST_ACCEPT = Set.of(
            "POST /api/organizations", "PUT /api/organizations/{id}/plan", "GET /api/organizations/{id}",
            "POST /api/users", "GET /api/users/{id}", "PATCH /api/users/{id}", "PUT /api/users/{id}/role",
            "POST /api/users/{id}/disable", "POST /api/users/{id}/enable",
            "GET /api/users/{id}/history", "POST /api/authentication-schemes", "PUT /api/authentication-schemes/{id}",
            "PUT /api/settings", "GET /api/users",
            "GET /api/users/suggestions", "GET /api/audit/events", "GET /api/audit/commands",
            // SCIM: a user's role is a value of its scheme's mappings, which the document cannot list, so
            // whether a create (and a replace naming one) is accepted depends on the seed; the reads are not
            "GET /scim/v2/Users", "POST /scim/v2/Users/.search", "GET /scim/v2/Groups", "GET /scim/v2/Schemas",
            "GET /scim/v2/ResourceTypes", "GET /scim/v2/ServiceProviderConfig", "GET /scim/v2/Users/{id}",
            "GET /scim/v2/Groups/{id}");
    /** Left out, with their reason: they would disturb the tests sharing this service. */
    private static final Set<String> LEFT_OUT = Set.of(
            // a rebuild empties the users view for a while (ProjectionRebuildApiTest covers it)
            "POST /api/admin/projections/{name}/rebuild");
    private static final int ROUNDS = 6;
    /** Valid requests per operation and round: most are refused by a rule of the state they meet, as they should. */
    private static final int VALID_PER_ROUND = 3;

    private final Random random = new Random(Long.getLong("fuzz.seed", 20261205L));
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, List<String>> ids = new TreeMap<>();
    private final Map<String, TreeSet<Integer>> statuses = new TreeMap<>();
    private final Map<String, TreeSet<String>> refusals = new TreeMap<>();
    private final List<String> contradictions = new ArrayList<>();
    /** The token of the SCIM client of an identity provider's scheme (Okta's, as ScimApiTest registers it). */
    private String scimClient;

    @Test
    void no_generated_request_gets_an_answer_the_document_does_not_promise() throws Exception {
        String document = api.get("/v3/api-docs").send().body();
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/api-docs-fuzzed.json"), document);
        ParseOptions options = new ParseOptions();
        options.setResolveFully(true);
        OpenAPI openApi = new OpenAPIParser().readContents(document, null, options).getOpenAPI();
        JsonNode settings = api.get("/api/settings").token(admin).send().json();
        ScimApiTest.schemes(api, admin);
        scimClient = tokens.issueForClient(ScimApiTest.OKTA, "scim:write").token();
        givenScimUser();
        Map<String, Operation> operations = operations(openApi);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                // the creating operations first, so that the others find resources to work on
                for (boolean creating : new boolean[]{true, false}) {
                    operations.forEach((key, operation) -> {
                        boolean creates = key.startsWith("POST") && !key.contains("{");
                        if (creates == creating && !LEFT_OUT.contains(key)) {
                            for (int valid = 0; valid < VALID_PER_ROUND; valid++) {
                                exercise(key, operation, true);
                            }
                            exercise(key, operation, false);
                            if (key.equals("PUT /api/settings")) {
                                // single sign-on on would refuse every user change after it (R-ADD-2)
                                restore(settings);
                            }
                        }
                    });
                }
            }
        } finally {
            restore(settings);
        }
        StringBuilder coverage = new StringBuilder();
        statuses.forEach((key, seen) -> coverage.append(key).append(" -> ").append(seen)
                .append(' ').append(refusals.getOrDefault(key, new TreeSet<>())).append('\n'));
        System.out.println("API fuzz coverage (operation -> statuses seen):\n" + coverage);

        assertThat(contradictions).as(coverage.toString()).isEmpty();
        for (String key : MUST_ACCEPT) {
            assertThat(statuses.getOrDefault(key, new TreeSet<>()).stream().anyMatch(status -> status / 100 == 2))
                    .as("%s accepted one generated request; seen %s", key, statuses.get(key)).isTrue();
        }
        assertThat(statuses.keySet()).as("every documented operation was exercised")
                .containsAll(operations.keySet().stream().filter(key -> !LEFT_OUT.contains(key)).toList());
    }

    private static Map<String, Operation> operations(OpenAPI openApi) {
        Map<String, Operation> operations = new TreeMap<>();
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (path.startsWith("/api/") || path.startsWith("/scim/v2/")) {
                operations.put(method.name() + " " + path, operation);
            }
        }));
        return operations;
    }

    /** One request of {@code operation}: valid by its document, or breaking one of its constraints. */
    private void exercise(String key, Operation operation, boolean valid) {
        String method = key.substring(0, key.indexOf(' '));
        String path = key.substring(key.indexOf(' ') + 1);
        StringBuilder query = new StringBuilder();
        Map<String, String> headers = new LinkedHashMap<>();
        String concrete = path;
        for (Parameter parameter : operation.getParameters() == null ? List.<Parameter>of() : operation.getParameters()) {
            String value;
            if (parameter.getIn().equals("path")) {
                value = pathValue(path, parameter);
            } else if (!Boolean.TRUE.equals(parameter.getRequired()) && random.nextInt(3) == 0) {
                continue;
            } else if (parameter.getIn().equals("header")) {
                // a version the caller read: the fuzz has none, and a made-up one is stale by design
                continue;
            } else if (parameter.getName().equals("wait")) {
                // a long poll would only make the run slow: its bounds are the feed's own tests'
                value = "0";
            } else {
                value = text(parameter.getName(), parameter.getSchema());
            }
            String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
            if (parameter.getIn().equals("path")) {
                concrete = concrete.replace("{" + parameter.getName() + "}", encoded);
            } else if (parameter.getIn().equals("query")) {
                query.append(query.isEmpty() ? "?" : "&").append(parameter.getName()).append('=').append(encoded);
            }
        }
        String body = null;
        String broken = null;
        if (operation.getRequestBody() != null) {
            Map.Entry<String, io.swagger.v3.oas.models.media.MediaType> content =
                    operation.getRequestBody().getContent().entrySet().iterator().next();
            Schema<?> schema = content.getValue().getSchema();
            ObjectNode generated = (ObjectNode) value("", schema);
            broken = valid ? null : breakOne(generated, schema);
            if (broken == null && !valid) {
                return;
            }
            body = generated.toString();
            headers.put("Content-Type", content.getKey());
        } else if (!valid) {
            return;
        }
        Api.Call call = switch (method) {
            case "GET" -> api.get(concrete + query);
            case "POST" -> api.post(concrete + query, body == null ? "" : body);
            case "PUT" -> api.put(concrete + query, body == null ? "" : body);
            case "PATCH" -> api.patch(concrete + query, body == null ? "" : body);
            case "DELETE" -> api.delete(concrete + query);
            default -> throw new IllegalStateException(method);
        };
        headers.forEach(call::header);
        boolean scim = path.startsWith("/scim/v2/");
        Api.Response answer;
        try {
            answer = call.token(scim ? scimClient : admin).send();
        } catch (AssertionError contradiction) {
            contradictions.add(key + ": " + contradiction.getMessage());
            return;
        }
        int status = answer.status();
        statuses.computeIfAbsent(key, k -> new TreeSet<>()).add(status);
        String sent = method + " " + concrete + query + (body == null ? "" : " " + body);
        if (status >= 400 && answer.body() != null && answer.body().startsWith("{")) {
            refusals.computeIfAbsent(key, k -> new TreeSet<>()).add(status + " " + code(answer));
        }
        if (status >= 500) {
            contradictions.add(key + ": " + status + " to " + sent + "\n" + answer.body());
        } else if (valid && status == 400 || valid && status == 415) {
            String code = code(answer);
            if ((scim ? SCIM_MALFORMED : MALFORMED).contains(code) || status == 415) {
                contradictions.add(key + ": a request the document accepts was refused as " + code + ": " + sent
                        + "\n" + answer.body());
            }
        } else if (!valid && status / 100 == 2) {
            contradictions.add(key + ": a request breaking the document (" + broken + ") was accepted: " + sent);
        }
        if (status / 100 == 2 && answer.body() != null && answer.body().startsWith("{")) {
            JsonNode id = answer.json().get("id");
            if (id != null && id.isTextual() && !path.contains("{")) {
                remember(resource(path), id.asText());
            }
            // a SCIM list names the resources the client may see: the ones its operations on one work on
            for (JsonNode listed : answer.json().path("Resources")) {
                if (listed.path("id").isTextual()) {
                    remember(resource(path), listed.get("id").asText());
                }
            }
        }
    }

    private void remember(String resource, String id) {
        List<String> known = ids.computeIfAbsent(resource, k -> new ArrayList<>());
        if (!known.contains(id)) {
            known.add(id);
        }
    }

    /** The stable code of a refusal: a problem's code, or a SCIM error's scimType. */
    private static String code(Api.Response answer) {
        JsonNode body = answer.json();
        return body.has("code") ? body.path("code").asText() : body.path("scimType").asText();
    }

    /** The resource a path is about: its first segment after /api/ or /scim/v2/. */
    private static String resource(String path) {
        String rest = path.substring(path.startsWith("/api/") ? "/api/".length() : "/scim/v2/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private String pathValue(String path, Parameter parameter) {
        List<String> known = ids.getOrDefault(resource(path), List.of());
        return switch (parameter.getName()) {
            case "id" -> known.isEmpty() || random.nextInt(8) == 0 ? UUID.randomUUID().toString()
                    : known.get(random.nextInt(known.size()));
            case "name" -> random.nextInt(4) == 0 ? seeded(6) : "users";
            default -> text(parameter.getName(), parameter.getSchema());
        };
    }

    /** A value of {@code schema}, valid by it, at one of its bounds or between them. */
    private JsonNode value(String name, Schema<?> schema) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (schema == null) {
            return nodes.textNode(seeded(5));
        }
        if (schema.getConst() != null) {
            return json.valueToTree(schema.getConst());
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            return json.valueToTree(schema.getEnum().get(random.nextInt(schema.getEnum().size())));
        }
        String type = schema.getType() == null ? (schema.getProperties() != null ? "object" : "string") : schema.getType();
        switch (type) {
            case "object" -> {
                ObjectNode object = nodes.objectNode();
                int least = schema.getMinProperties() == null ? 0 : schema.getMinProperties();
                if (schema.getProperties() != null) {
                    List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
                    List<String> fields = new ArrayList<>(schema.getProperties().keySet());
                    java.util.Collections.shuffle(fields, random);
                    for (String field : fields) {
                        if (required.contains(field) || random.nextBoolean() || object.size() < least) {
                            object.set(field, value(field, schema.getProperties().get(field)));
                        }
                    }
                } else if (schema.getAdditionalProperties() instanceof Schema<?> values) {
                    for (int i = Math.max(least, random.nextInt(3)); i > 0; i--) {
                        object.set(seeded(4), value("", values));
                    }
                }
                return object;
            }
            case "array" -> {
                ArrayNode array = nodes.arrayNode();
                int min = schema.getMinItems() == null ? 0 : schema.getMinItems();
                int count = Math.max(min, random.nextInt(3));
                for (int i = 0; i < count; i++) {
                    array.add(value(name, schema.getItems()));
                }
                return array;
            }
            case "boolean" -> {
                return nodes.booleanNode(random.nextBoolean());
            }
            case "integer", "number" -> {
                long min = schema.getMinimum() == null ? 0 : schema.getMinimum().longValue();
                long max = schema.getMaximum() == null ? min + 50 : schema.getMaximum().longValue();
                return nodes.numberNode(random.nextBoolean() ? min : min + (long) (random.nextDouble() * (max - min)));
            }
            default -> {
                return nodes.textNode(text(name, schema));
            }
        }
    }

    /** A string of {@code schema}: by its format, its pattern, or letters of a length at or between its bounds. */
    private String text(String name, Schema<?> schema) {
        if (schema != null && schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            return String.valueOf(schema.getEnum().get(random.nextInt(schema.getEnum().size())));
        }
        String format = schema == null ? null : schema.getFormat();
        String type = schema == null ? "string" : String.valueOf(schema.getType());
        if (type.equals("integer")) {
            return String.valueOf(value(name, schema).asLong());
        }
        if (type.equals("array") && schema.getItems() != null) {
            // a repeatable query parameter: one value of its items
            return text(name, schema.getItems());
        }
        if (type.equals("boolean")) {
            return String.valueOf(random.nextBoolean());
        }
        if ("uuid".equals(format)) {
            List<String> known = ids.getOrDefault(name.equals("organization") || name.equals("organizationId")
                    ? "organizations" : name.equals("user") || name.equals("target") ? "users" : "", List.of());
            return known.isEmpty() ? UUID.randomUUID().toString() : known.get(random.nextInt(known.size()));
        }
        if ("date-time".equals(format)) {
            return OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(random.nextInt(100_000)).toString();
        }
        int min = schema == null || schema.getMinLength() == null ? 1 : schema.getMinLength();
        int max = schema == null || schema.getMaxLength() == null ? Math.max(min, 12) : schema.getMaxLength();
        if ("email".equals(format)) {
            String domain = "@example.com";
            int local = max - domain.length();
            java.util.regex.Matcher bound = java.util.regex.Pattern.compile("\\{1,(\\d+)}@").matcher(
                    schema.getPattern() == null ? "" : schema.getPattern());
            if (bound.find()) {
                local = Math.min(local, Integer.parseInt(bound.group(1)));
            }
            return seeded(lengthBetween(Math.max(1, min - domain.length()), local)) + domain;
        }
        if (schema != null && schema.getPattern() != null) {
            // the patterns of the document are few: candidates of each kind, the ones matching are kept
            String hex = hex(64);
            byte[] key = new byte[24 + random.nextInt(41)];
            random.nextBytes(key);
            List<String> candidates = List.of("en", "de", "fr", "de-CH", "pt-BR", "PT5M", "PT1H", "P1D", "PT30S",
                    "PT0.5S", hex, random.nextInt(100) + ":" + hex, seeded(8), "https://hooks.example.com/" + seeded(6),
                    "io.portalusers.user.created", "io.portalusers.user." + seeded(5), "add", "Replace", "remove",
                    "whsec_" + java.util.Base64.getEncoder().encodeToString(key));
            List<String> matching = candidates.stream().filter(candidate -> candidate.matches(schema.getPattern())).toList();
            if (matching.isEmpty()) {
                throw new IllegalStateException("no generator for the pattern " + schema.getPattern() + " of " + name);
            }
            return matching.get(random.nextInt(matching.size()));
        }
        return seeded(lengthBetween(min, Math.min(max, 300)));
    }

    private int lengthBetween(int min, int max) {
        return switch (random.nextInt(3)) {
            case 0 -> min;
            case 1 -> max;
            default -> min + random.nextInt(max - min + 1);
        };
    }

    /** Breaks one constraint of the body generated from {@code schema}; says which. */
    private String breakOne(ObjectNode body, Schema<?> schema) {
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        // a schema that takes other properties (SCIM's resources are extensible) is not broken by one
        List<String> ways = new ArrayList<>();
        if (schema.getAdditionalProperties() == null || Boolean.FALSE.equals(schema.getAdditionalProperties())) {
            ways.add("unknown-field");
        }
        required.forEach(field -> ways.add("missing:" + field));
        properties.forEach((field, property) -> {
            if (property.getMaxLength() != null) {
                ways.add("too-long:" + field);
            }
            if (property.getEnum() != null) {
                ways.add("not-in-enum:" + field);
            }
            if ("string".equals(property.getType())) {
                ways.add("not-a-string:" + field);
            }
        });
        if (ways.isEmpty()) {
            return null;
        }
        String way = ways.get(random.nextInt(ways.size()));
        String field = way.contains(":") ? way.substring(way.indexOf(':') + 1) : null;
        switch (way.contains(":") ? way.substring(0, way.indexOf(':')) : way) {
            case "unknown-field" -> body.put("unexpected" + seeded(3), 1);
            case "missing" -> body.remove(field);
            case "too-long" -> body.put(field, seeded(properties.get(field).getMaxLength() + 1));
            case "not-in-enum" -> body.put(field, "NOT_" + seeded(4).toUpperCase());
            case "not-a-string" -> body.put(field, 12345);
            default -> throw new IllegalStateException(way);
        }
        return way;
    }

    private String hex(int count) {
        StringBuilder hex = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }

    private String seeded(int count) {
        StringBuilder letters = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            letters.append((char) ('a' + random.nextInt(26)));
        }
        return letters.toString();
    }

    /**
     * One user the SCIM client provisioned, so that the operations on one user have one to work
     * on: its role is a value of the scheme's mappings, which the document cannot name.
     */
    private void givenScimUser() {
        String organization = "Fuzz " + letters(12);
        organization(organization);
        String login = "fuzz." + letters(10) + "@okta.example";
        Api.Response created = api.post("/scim/v2/Users", """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "%s", "externalId": "ext-%s",
                 "name": {"givenName": "Fuzz", "familyName": "Given"}, "emails": [{"value": "%s", "primary": true}],
                 "urn:portal-users:scim:schemas:extension:portal:2.0:User": {"role": "developer", "organization": "%s"}}"""
                .formatted(login, login, login, organization))
                .header("Content-Type", "application/scim+json").token(scimClient).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        // the groups the client sees (its user's organization among them): what its operations on one work on,
        // whatever the generated lists' filters happen to leave out
        Api.Response groups = api.get("/scim/v2/Groups").token(scimClient).send();
        assertThat(groups.status()).as(groups.toString()).isEqualTo(200);
        groups.json().path("Resources").forEach(group -> remember("Groups", group.path("id").asText()));
        assertThat(ids.get("Groups")).as("the client's groups").isNotEmpty();
    }

    /** The portal settings as they were before the run: the tests sharing this service expect them. */
    private void restore(JsonNode settings) {
        ObjectNode body = ((ObjectNode) settings.deepCopy());
        body.retain("ssoEnabled", "thirdPartyRegistrationEnabled", "registrationWorkflowEnabled");
        Api.Response restored = new Api(port).put("/api/settings", body.toString()).token(admin).send();
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
    }
}
