package io.portalusers.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.ChangeMemberships;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.platform.web.Versions;
import org.axonframework.commandhandling.gateway.CommandGateway;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCIM Groups are the portal's organizations. A client sees every organization, and among its
 * members only the users of its own scheme; it adds and removes them (each a
 * {@link ChangeMemberships} with the client as actor), which the rules allow where its scheme's
 * authorization type is IDP (R-AUTH-1) and refuse where organizations are assigned in the
 * portal (R-EDIT-3). The org role of each member is in this service's Group extension
 * ({@code memberRoles}); a new member holds the org role of its account unless that extension
 * names another. Organizations are created, renamed and deleted by Portal Admins only (R-ORG-1).
 */
@RestController
class ScimGroupsController {

    private static final Pattern MEMBER_FILTER = Pattern.compile("(?i)members\\[\\s*value\\s+eq\\s+\"([^\"]*)\"\\s*\\]");

    private final CommandGateway commands;
    private final UserResources users;
    private final ScimClient client;
    private final ObjectMapper json;
    private final JdbcClient jdbc;

    ScimGroupsController(CommandGateway commands, UserResources users, ScimClient client, ObjectMapper json, JdbcClient jdbc) {
        this.commands = commands;
        this.users = users;
        this.client = client;
        this.json = json;
        this.jdbc = jdbc;
    }

    private record Organization(UUID id, String name, long version, OffsetDateTime created, OffsetDateTime updated) {
    }

    private record Member(UUID userId, String username, String role) {
    }

    @GetMapping(path = Scim.BASE + "/Groups", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> list(@RequestParam(required = false) String filter,
                                    @RequestParam(required = false) String startIndex,
                                    @RequestParam(required = false) String count,
                                    @RequestParam(required = false) String excludedAttributes) {
        SchemeId scheme = client.scheme();
        String condition = "true";
        List<Object> params = new ArrayList<>();
        if (filter != null && !filter.isBlank()) {
            Matcher byName = Pattern.compile("(?i)\\s*displayName\\s+eq\\s+\"([^\"]*)\"\\s*").matcher(filter);
            if (!byName.matches()) {
                throw ScimException.invalidFilter("Groups are filtered by displayName eq only");
            }
            condition = "lower(name) = lower(?)";
            params.add(byName.group(1));
        }
        int start = Math.max(1, parse(startIndex, 1));
        int size = Math.min(Scim.MAX_RESULTS, Math.max(0, parse(count, Scim.MAX_RESULTS)));
        long total = jdbc.sql("select count(*) from organization_view where " + condition).params(params)
                .query(Long.class).single();
        List<Object> paged = new ArrayList<>(params);
        paged.add(size);
        paged.add(start - 1);
        List<Organization> organizations = jdbc.sql("""
                        select organization_id, name, version, created_at, updated_at from organization_view
                        where %s order by lower(name), organization_id limit ? offset ?""".formatted(condition))
                .params(paged)
                .query((rs, n) -> new Organization(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class)))
                .list();
        boolean withMembers = excludedAttributes == null || !excludedAttributes.toLowerCase(Locale.ROOT).contains("members");
        ObjectNode list = json.createObjectNode();
        list.putArray("schemas").add(Scim.LIST_RESPONSE);
        list.put("totalResults", total);
        list.put("startIndex", start);
        list.put("itemsPerPage", organizations.size());
        ArrayNode resources = list.putArray("Resources");
        organizations.forEach(organization -> resources.add(render(organization, withMembers ? members(scheme, organization.id()) : null)));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(Scim.MEDIA_TYPE)).body(list);
    }

    @GetMapping(path = Scim.BASE + "/Groups/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> read(@PathVariable String id) {
        SchemeId scheme = client.scheme();
        Organization organization = find(pathId(id)).orElseThrow(ScimException::notFound);
        return answer(render(organization, members(scheme, organization.id())));
    }

    @PatchMapping(path = Scim.BASE + "/Groups/{id}", produces = {Scim.MEDIA_TYPE, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ObjectNode> patch(@PathVariable String id, @RequestBody JsonNode body) {
        SchemeId scheme = client.scheme();
        Organization organization = find(pathId(id)).orElseThrow(ScimException::notFound);
        JsonNode operations = UserInput.field(body, "Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty() || operations.size() > 100) {
            throw ScimException.invalidSyntax("a PATCH has Operations: 1 to 100 of them");
        }
        // the members of the client's scheme as they are to be: user id -> org role
        Map<UUID, String> current = new LinkedHashMap<>();
        members(scheme, organization.id()).forEach(member -> current.put(member.userId(), member.role()));
        Map<UUID, String> wanted = new LinkedHashMap<>(current);
        for (JsonNode operation : operations) {
            String op = Optional.ofNullable(UserInput.text(UserInput.field(operation, "op")))
                    .orElseThrow(() -> ScimException.invalidSyntax("each operation has an op")).toLowerCase(Locale.ROOT);
            String path = Optional.ofNullable(UserInput.text(UserInput.field(operation, "path"))).orElse("");
            JsonNode value = UserInput.field(operation, "value");
            Matcher one = MEMBER_FILTER.matcher(path);
            if (op.equals("remove") && one.matches()) {
                wanted.remove(uuid(one.group(1)));
            } else if (path.equalsIgnoreCase("members")) {
                switch (op) {
                    case "add" -> memberIds(value).forEach(member -> wanted.putIfAbsent(member, null));
                    case "replace" -> {
                        wanted.clear();
                        memberIds(value).forEach(member -> wanted.put(member, current.get(member)));
                    }
                    case "remove" -> {
                        if (value == null) {
                            wanted.clear();
                        } else {
                            memberIds(value).forEach(wanted::remove);
                        }
                    }
                    default -> throw ScimException.invalidSyntax("op is add, replace or remove");
                }
            } else if (path.equalsIgnoreCase(Scim.PORTAL_GROUP + ":memberRoles") && (op.equals("add") || op.equals("replace"))) {
                for (JsonNode item : array(value)) {
                    wanted.put(uuid(UserInput.text(UserInput.field(item, "value"))), role(UserInput.text(UserInput.field(item, "role"))));
                }
            } else if (path.isEmpty() && op.equals("replace") && value != null && value.isObject()
                    && UserInput.field(value, "members") == null) {
                JsonNode name = UserInput.field(value, "displayName");
                if (name != null && !name.asText().equals(organization.name())) {
                    throw new ScimException(400, "mutability", "R-ORG-1: a Portal Admin names organizations");
                }
            } else if (path.equalsIgnoreCase("displayName")) {
                if (value == null || !value.asText().equals(organization.name())) {
                    throw new ScimException(400, "mutability", "R-ORG-1: a Portal Admin names organizations");
                }
            } else {
                throw new ScimException(400, "invalidPath", "a Group's members and memberRoles are changed, nothing else");
            }
        }
        OrganizationId organizationId = new OrganizationId(organization.id());
        Map<UUID, List<Membership>> changes = new LinkedHashMap<>();
        for (UUID user : union(current.keySet(), wanted.keySet())) {
            String before = current.get(user);
            boolean stays = wanted.containsKey(user);
            String after = stays ? wanted.get(user) : null;
            if (stays && before != null && (after == null || after.equals(before))) {
                continue;
            }
            UserResources.Row row = users.find(scheme, user).orElseThrow(() ->
                    ScimException.invalidValue("a member is no user of this client: " + user));
            List<Membership> memberships = new ArrayList<>(memberships(user));
            memberships.removeIf(m -> m.organizationId().equals(organizationId));
            if (stays) {
                Role role = after != null ? Role.valueOf(after) : Role.valueOf(row.role());
                memberships.add(new Membership(organizationId, role));
            }
            changes.put(user, memberships);
        }
        // every member is checked before the first change is sent
        Map<UUID, Long> versions = new LinkedHashMap<>();
        changes.forEach((user, memberships) -> versions.put(user,
                commands.<Long>sendAndWait(new ChangeMemberships(new UserId(user), memberships, null))));
        versions.forEach((user, version) -> users.awaitVersion(scheme, new UserId(user), version));
        return answer(render(find(organization.id()).orElseThrow(), members(scheme, organization.id())));
    }

    @PostMapping(path = Scim.BASE + "/Groups")
    ResponseEntity<Void> create() {
        client.scheme();
        throw new ScimException(403, null, "R-ORG-1: organizations are created by Portal Admins; map the group to one");
    }

    @PutMapping(path = Scim.BASE + "/Groups/{id}")
    ResponseEntity<Void> replace(@PathVariable String id) {
        client.scheme();
        throw new ScimException(405, null, "change a Group's members with PATCH");
    }

    @DeleteMapping(path = Scim.BASE + "/Groups/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        client.scheme();
        throw new ScimException(403, null, "R-ORG-1: organizations are kept; remove the members instead");
    }

    private Optional<Organization> find(UUID id) {
        return jdbc.sql("select organization_id, name, version, created_at, updated_at from organization_view where organization_id = ?")
                .param(id)
                .query((rs, n) -> new Organization(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class)))
                .optional();
    }

    /** The organization's members that are users of the client's scheme: the others it never sees. */
    private List<Member> members(SchemeId scheme, UUID organization) {
        return jdbc.sql("""
                        select u.user_id, u.username, m.org_role from user_membership_view m
                        join user_view u on u.user_id = m.user_id
                        where m.organization_id = ? and u.source = 'IDP' and u.scheme_id = ?
                        order by u.created_at, u.user_id""")
                .params(organization, scheme.value())
                .query((rs, n) -> new Member(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                .list();
    }

    private List<Membership> memberships(UUID user) {
        return jdbc.sql("select organization_id, org_role from user_membership_view where user_id = ?")
                .param(user)
                .query((rs, n) -> new Membership(new OrganizationId(rs.getObject(1, UUID.class)), Role.valueOf(rs.getString(2))))
                .list();
    }

    private ObjectNode render(Organization organization, List<Member> members) {
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().path(Scim.BASE).toUriString();
        ObjectNode group = json.createObjectNode();
        group.putArray("schemas").add(Scim.GROUP).add(Scim.PORTAL_GROUP);
        group.put("id", organization.id().toString());
        group.put("displayName", organization.name());
        if (members != null) {
            ArrayNode items = group.putArray("members");
            ArrayNode roles = group.putObject(Scim.PORTAL_GROUP).putArray("memberRoles");
            for (Member member : members) {
                items.addObject().put("value", member.userId().toString()).put("display", member.username())
                        .put("type", "User").put("$ref", base + "/Users/" + member.userId());
                roles.addObject().put("value", member.userId().toString()).put("role", member.role());
            }
        }
        ObjectNode meta = group.putObject("meta");
        meta.put("resourceType", "Group");
        meta.put("created", organization.created().toInstant().toString());
        meta.put("lastModified", organization.updated().toInstant().toString());
        meta.put("location", base + "/Groups/" + organization.id());
        meta.put("version", Versions.etag(organization.version()));
        return group;
    }

    private static ResponseEntity<ObjectNode> answer(ObjectNode group) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(Scim.MEDIA_TYPE))
                .eTag(group.get("meta").get("version").asText()).body(group);
    }

    private static List<UUID> memberIds(JsonNode value) {
        List<UUID> ids = new ArrayList<>();
        for (JsonNode item : array(value)) {
            ids.add(uuid(UserInput.text(item.isObject() ? UserInput.field(item, "value") : item)));
        }
        return ids;
    }

    private static Iterable<JsonNode> array(JsonNode value) {
        if (value == null || value.isNull()) {
            throw ScimException.invalidValue("the operation has a value: a list of members");
        }
        if (value.isArray()) {
            return value;
        }
        if (value.isObject() && UserInput.field(value, "members") != null) {
            return array(UserInput.field(value, "members"));
        }
        return List.of(value);
    }

    private static String role(String role) {
        try {
            Role parsed = Role.valueOf(role);
            if (parsed.category() != UserCategory.ORG_USER) {
                throw new IllegalArgumentException();
            }
            return parsed.name();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ScimException.invalidValue("a member's role is ORG_ADMIN, ORG_PUBLISHER or DEVELOPER");
        }
    }


    private static List<UUID> union(Set<UUID> a, Set<UUID> b) {
        Set<UUID> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static int parse(String raw, int absent) {
        if (raw == null || raw.isBlank()) {
            return absent;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw ScimException.invalidValue("startIndex and count are integers");
        }
    }

    /** An id that is no UUID names no organization: a 404, as any unknown id. */
    private static UUID pathId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ScimException.notFound();
        }
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ScimException.invalidValue("a member is named by its user id");
        }
    }
}
