package io.portalusers.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.authscheme.ProvisionIdpUser;
import io.portalusers.api.authscheme.ProvisioningResult;
import io.portalusers.api.authscheme.UpdateIdpUser;
import io.portalusers.api.user.DisableUser;
import io.portalusers.api.user.Username;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * SCIM Users (RFC 7644, 3.3 to 3.6) of the calling client's scheme: external IdP users. Every
 * change is a command ({@link ProvisionIdpUser} to create, {@link UpdateIdpUser} to replace or
 * patch, {@link DisableUser} to delete) with the client as its actor, so the rules decide as for
 * anyone (R-AUTH-1, R-EDIT-3, R-STATE-1, R-ADD-6) and the history names the client. A delete
 * deactivates: the account and its history stay.
 */
@RestController
class ScimUsersController {

    private static final List<String> SCHEMAS = List.of(Scim.USER, Scim.PORTAL_USER, Scim.ENTERPRISE_USER);

    private final CommandGateway commands;
    private final UserResources users;
    private final ScimClient client;
    private final ObjectMapper json;
    private final JdbcClient jdbc;

    ScimUsersController(CommandGateway commands, UserResources users, ScimClient client, ObjectMapper json, JdbcClient jdbc) {
        this.commands = commands;
        this.users = users;
        this.client = client;
        this.json = json;
        this.jdbc = jdbc;
    }

    @PostMapping(path = Scim.BASE + "/Users", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> create(@RequestBody JsonNode body) {
        SchemeId scheme = client.scheme();
        UserInput input = UserInput.from(body);
        ProvisioningResult result = commands.sendAndWait(new ProvisionIdpUser(scheme, input.subject(), input.username(),
                input.email(), input.name(), input.language(), input.attributes()));
        if (!result.created()) {
            throw new ScimException(409, "uniqueness", "R-AUTH-1: this externalId (or userName) is provisioned already as "
                    + result.userId());
        }
        long version = 0;
        if (Boolean.FALSE.equals(input.active())) {
            version = commands.<Long>sendAndWait(new DisableUser(result.userId(), null));
        }
        ObjectNode resource = users.awaitVersion(scheme, result.userId(), version);
        return answer(HttpStatus.CREATED, resource);
    }

    @GetMapping(path = Scim.BASE + "/Users/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> read(@PathVariable String id,
                                    @RequestParam(required = false) String attributes,
                                    @RequestParam(required = false) String excludedAttributes) {
        SchemeId scheme = client.scheme();
        AttributeSelection selection = AttributeSelection.of(attributes, excludedAttributes, SCHEMAS);
        UserResources.Row row = users.find(scheme, uuid(id)).orElseThrow(ScimException::notFound);
        return answer(HttpStatus.OK, selection.apply(users.render(row)));
    }

    @GetMapping(path = Scim.BASE + "/Users", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> list(@RequestParam(required = false) String filter,
                                    @RequestParam(required = false) String startIndex,
                                    @RequestParam(required = false) String count,
                                    @RequestParam(required = false) String attributes,
                                    @RequestParam(required = false) String excludedAttributes) {
        SchemeId scheme = client.scheme();
        AttributeSelection selection = AttributeSelection.of(attributes, excludedAttributes, SCHEMAS);
        UserFilter.Sql condition = filter == null || filter.isBlank() ? null : UserFilter.parse(filter, scheme);
        // RFC 7644, 3.4.2.4: a start below 1 is 1, a negative count is 0, and the service may cap the count
        int start = Math.max(1, integer("startIndex", startIndex, 1));
        int size = Math.min(Scim.MAX_RESULTS, Math.max(0, integer("count", count, Scim.MAX_RESULTS)));
        UserResources.Page page = users.list(scheme, condition, start, size);
        ObjectNode list = json.createObjectNode();
        list.putArray("schemas").add(Scim.LIST_RESPONSE);
        list.put("totalResults", page.total());
        list.put("startIndex", start);
        list.put("itemsPerPage", page.resources().size());
        page.resources().forEach(resource -> list.withArray("Resources").add(selection.apply(resource)));
        if (page.resources().isEmpty()) {
            list.putArray("Resources");
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(Scim.MEDIA_TYPE)).body(list);
    }

    /** The same list, asked for with a body (RFC 7644, 3.4.3), so that a filter stays out of URLs and their logs. */
    @PostMapping(path = Scim.BASE + "/Users/.search", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> search(@RequestBody JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ScimException.invalidSyntax("the body is a SearchRequest, a JSON object");
        }
        return list(searchText(body, "filter"), searchText(body, "startIndex"), searchText(body, "count"),
                searchText(body, "attributes"), searchText(body, "excludedAttributes"));
    }

    /** A SearchRequest's parameter as the query string would carry it: lists of attributes joined by commas. */
    private static String searchText(JsonNode body, String name) {
        JsonNode value = UserInput.field(body, name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        if (!value.isValueNode()) {
            throw ScimException.invalidValue(name + " is a string, a number or a list of strings");
        }
        return value.asText();
    }

    @PutMapping(path = Scim.BASE + "/Users/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> replace(@PathVariable String id, @RequestBody JsonNode body,
                                       @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        SchemeId scheme = client.scheme();
        UserResources.Row current = users.find(scheme, uuid(id)).orElseThrow(ScimException::notFound);
        return answer(HttpStatus.OK, apply(scheme, current, UserInput.from(body), expected(ifMatch), true));
    }

    @PatchMapping(path = Scim.BASE + "/Users/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> patch(@PathVariable String id, @RequestBody JsonNode body,
                                     @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        SchemeId scheme = client.scheme();
        UserResources.Row current = users.find(scheme, uuid(id)).orElseThrow(ScimException::notFound);
        UserPatch.Patched patched = UserPatch.apply(users.render(current), body);
        return answer(HttpStatus.OK, apply(scheme, current, UserInput.from(patched.resource()), expected(ifMatch),
                patched.touchesAttributes()));
    }

    /** Deactivates: SCIM's delete of a user this service keeps, with its history, as a disabled account. */
    @DeleteMapping(path = Scim.BASE + "/Users/{id}")
    ResponseEntity<Void> delete(@PathVariable String id,
                                @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        SchemeId scheme = client.scheme();
        UserResources.Row current = users.find(scheme, uuid(id)).orElseThrow(ScimException::notFound);
        UserId userId = new UserId(current.id());
        long version = commands.<Long>sendAndWait(new DisableUser(userId, expected(ifMatch)));
        users.awaitVersion(scheme, userId, version);
        return ResponseEntity.noContent().build();
    }

    /**
     * Brings the user to what {@code input} asks, as one command ({@link UpdateIdpUser}): its
     * details (names, email, language: R-EDIT-3 lets its identity provider keep them), its role
     * and organizations when the scheme follows the identity provider (R-AUTH-1), and whether it
     * is active (R-STATE-1). All of it is applied or none, and If-Match holds for all of it.
     */
    private ObjectNode apply(SchemeId scheme, UserResources.Row current, UserInput input, Long expected,
                             boolean provision) {
        UserId userId = new UserId(current.id());
        if (!input.username().key().equals(Username.of(current.username()).key())) {
            throw new ScimException(400, "mutability", "R-ADD-6: a username never changes");
        }
        String subject = null;
        if (provision && !input.attributes().isEmpty()) {
            subject = linkedSubject(scheme, userId, input).orElseThrow(() -> ScimException.invalidValue(
                    "R-AUTH-1: send the externalId this user was provisioned with for its role and organization to follow"));
        }
        long version = commands.<Long>sendAndWait(new UpdateIdpUser(userId, scheme, subject, input.name(), input.email(),
                input.language(), subject == null ? Map.of() : input.attributes(), input.active(), expected));
        return users.awaitVersion(scheme, userId, version);
    }

    /** The subject (externalId, or else userName) the user is linked to its scheme by, if the input names it. */
    private Optional<String> linkedSubject(SchemeId scheme, UserId userId, UserInput input) {
        return Stream.of(input.externalId(), input.username().value())
                .filter(Objects::nonNull)
                .filter(subject -> jdbc.sql("select count(*) from idp_subject_lookup where subject_key = ? and user_id = ?")
                        .params(ProvisionIdpUser.subjectKey(scheme, subject), userId.value())
                        .query(Long.class).single() > 0)
                .findFirst();
    }

    private static ResponseEntity<ObjectNode> answer(HttpStatus status, ObjectNode resource) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status)
                .contentType(MediaType.parseMediaType(Scim.MEDIA_TYPE));
        JsonNode meta = resource.get("meta");
        if (meta != null && meta.hasNonNull("version")) {
            answer.eTag(meta.get("version").asText());
        }
        if (status == HttpStatus.CREATED && meta != null && meta.hasNonNull("location")) {
            answer.location(URI.create(meta.get("location").asText()));
        }
        return answer.body(resource);
    }

    private static Long expected(String ifMatch) {
        try {
            return Versions.fromIfMatch(ifMatch);
        } catch (RuntimeException e) {
            throw new ScimException(412, null, "If-Match names no version of this resource");
        }
    }

    private static int integer(String parameter, String raw, int absent) {
        if (raw == null || raw.isBlank()) {
            return absent;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw ScimException.invalidValue(parameter + " is an integer");
        }
    }

    /** An id that is no UUID names no user: a 404, as any unknown id. */
    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ScimException.notFound();
        }
    }
}
