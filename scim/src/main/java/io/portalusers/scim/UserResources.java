package io.portalusers.scim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.platform.web.Versions;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The users of a SCIM client's scheme as SCIM User resources, read from the query side's users
 * view (which is why SCIM runs where both sides run). The view is a moment behind the events:
 * after a change, {@link #awaitVersion} waits until it shows the change, so a client reads its
 * own writes.
 */
@Component
class UserResources {

    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    private static final String COLUMNS = """
            u.user_id, u.username, u.email, u.first_name, u.last_name, u.full_name, u.language, u.account_role,
            u.enabled, u.created_at, u.updated_at, u.version""";

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    UserResources(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    record Row(UUID id, String username, String email, String firstName, String lastName, String fullName,
               String language, String role, boolean active, OffsetDateTime created, OffsetDateTime lastModified,
               long version) {
    }

    record Page(long total, List<ObjectNode> resources) {
    }

    Optional<Row> find(SchemeId scheme, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from user_view u where u.user_id = ? and u.source = 'IDP' and u.scheme_id = ?")
                .params(id, scheme.value())
                .query(UserResources::row)
                .optional();
    }

    /** The user as a resource once the view shows at least {@code version} of it; a 503 if it falls that far behind. */
    ObjectNode awaitVersion(SchemeId scheme, UserId user, long version) {
        Instant deadline = Instant.now().plus(CATCH_UP);
        while (true) {
            Optional<Row> row = find(scheme, user.value());
            if (row.isPresent() && row.get().version() >= version) {
                return render(row.get());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ScimException(503, null, "the change is made; the users view is behind, read it again shortly");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScimException(503, null, "interrupted while the users view caught up");
            }
        }
    }

    /** One page of the scheme's users matching {@code filter} (all when null), by creation, from 1-based {@code startIndex}. */
    Page list(SchemeId scheme, UserFilter.Sql filter, int startIndex, int count) {
        String where = "u.source = 'IDP' and u.scheme_id = ?" + (filter == null ? "" : " and " + filter.condition());
        List<Object> params = new ArrayList<>();
        params.add(scheme.value());
        if (filter != null) {
            params.addAll(filter.params());
        }
        long total = jdbc.sql("select count(*) from user_view u where " + where).params(params).query(Long.class).single();
        if (count == 0) {
            return new Page(total, List.of());
        }
        List<Object> paged = new ArrayList<>(params);
        paged.add(count);
        paged.add(startIndex - 1);
        List<Row> rows = jdbc.sql("select " + COLUMNS + " from user_view u where " + where
                        + " order by u.created_at, u.user_id limit ? offset ?")
                .params(paged)
                .query(UserResources::row)
                .list();
        return new Page(total, render(rows));
    }

    ObjectNode render(Row row) {
        return render(List.of(row)).get(0);
    }

    private List<ObjectNode> render(List<Row> rows) {
        Map<UUID, List<Membership>> memberships = memberships(rows.stream().map(Row::id).toList());
        return rows.stream().map(row -> resource(row, memberships.getOrDefault(row.id(), List.of()))).toList();
    }

    private record Membership(UUID organizationId, String organization, String role) {
    }

    private Map<UUID, List<Membership>> memberships(List<UUID> users) {
        Map<UUID, List<Membership>> all = new HashMap<>();
        if (users.isEmpty()) {
            return all;
        }
        jdbc.sql("""
                        select m.user_id, m.organization_id, o.name, m.org_role from user_membership_view m
                        left join organization_view o on o.organization_id = m.organization_id
                        where m.user_id = any(?) order by o.name, m.organization_id""")
                .param(users.toArray(UUID[]::new))
                .query(rs -> {
                    all.computeIfAbsent(rs.getObject(1, UUID.class), id -> new ArrayList<>())
                            .add(new Membership(rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4)));
                });
        return all;
    }

    private ObjectNode resource(Row row, List<Membership> memberships) {
        ObjectNode user = json.createObjectNode();
        user.putArray("schemas").add(Scim.USER).add(Scim.PORTAL_USER);
        user.put("id", row.id().toString());
        user.put("userName", row.username());
        ObjectNode name = user.putObject("name");
        name.put("formatted", row.fullName());
        name.put("familyName", row.lastName());
        name.put("givenName", row.firstName());
        user.put("displayName", row.fullName());
        user.put("preferredLanguage", row.language());
        user.put("active", row.active());
        ObjectNode email = user.putArray("emails").addObject();
        email.put("value", row.email());
        email.put("type", "work");
        email.put("primary", true);
        ObjectNode portal = user.putObject(Scim.PORTAL_USER);
        portal.put("accountRole", row.role());
        ArrayNode organizations = portal.putArray("organizations");
        for (Membership membership : memberships) {
            ObjectNode organization = organizations.addObject();
            organization.put("value", membership.organizationId().toString());
            if (membership.organization() != null) {
                organization.put("display", membership.organization());
            }
            organization.put("role", membership.role());
        }
        ObjectNode meta = user.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", row.created().toInstant().toString());
        meta.put("lastModified", row.lastModified().toInstant().toString());
        meta.put("location", ServletUriComponentsBuilder.fromCurrentContextPath()
                .path(Scim.BASE + "/Users/" + row.id()).toUriString());
        meta.put("version", Versions.etag(row.version()));
        return user;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getObject("user_id", UUID.class), rs.getString("username"), rs.getString("email"),
                rs.getString("first_name"), rs.getString("last_name"), rs.getString("full_name"),
                rs.getString("language"), rs.getString("account_role"), rs.getBoolean("enabled"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class),
                rs.getLong("version"));
    }
}
