package io.portalusers.query.organizations;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.web.Page;
import io.portalusers.platform.web.Versions;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Organizations as the projection has them. A Portal Admin sees every organization; anyone
 * else sees those they are a member of.
 */
@RestController
class OrganizationsQueryController {

    /** The longest part of a name the list looks for: a whole name. */
    private static final int NAME_PART_MAX = OrganizationName.MAX_LENGTH;

    private final JdbcClient jdbc;

    OrganizationsQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record OrganizationView(UUID id, String name, String accountPlan, Instant createdAt, Instant updatedAt,
                            long version) {
    }

    /**
     * The organizations the actor sees, by name, optionally only those whose name contains
     * {@code name} (case-insensitively, every character literal; blank is any) and only those of the ids
     * given (at most a page of them): what a picker needs when there are thousands.
     */
    @GetMapping(path = "/api/organizations", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<OrganizationView> list(Actor actor,
                                @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "20") int size,
                                @RequestParam(required = false) String name,
                                @RequestParam(required = false) List<String> id) {
        FieldErrors errors = new FieldErrors();
        String contained = errors.parseOptional("name", name, raw -> {
            if (raw.length() > NAME_PART_MAX) {
                throw new InvalidValueException("must be at most " + NAME_PART_MAX + " characters");
            }
            // a cleared Find box: any name
            return raw.isBlank() ? null : raw.strip();
        });
        List<UUID> ids = errors.parseOptional("id", id, raw -> {
            if (raw.size() > Page.MAX_SIZE) {
                throw new InvalidValueException("at most " + Page.MAX_SIZE + " ids");
            }
            return raw.stream().map(UUID::fromString).toList();
        });
        errors.throwIfAny();
        Page.Request request = Page.request(page, size);
        String where = (actor.isPortalAdmin() ? "true"
                : "organization_id in (select organization_id from actor_membership where user_id = :actor)")
                + (contained == null ? "" : " and strpos(lower(name), lower(:name)) > 0")
                + (ids == null ? "" : " and organization_id in (:ids)");
        Map<String, Object> params = new HashMap<>();
        params.put("actor", actor.userId().value());
        if (contained != null) {
            params.put("name", contained);
        }
        if (ids != null) {
            params.put("ids", ids);
        }
        var items = jdbc.sql("select * from organization_view where " + where
                        + " order by lower(name), organization_id limit :limit offset :offset")
                .params(params)
                .param("limit", request.size())
                .param("offset", request.offset())
                .query(OrganizationsQueryController::row)
                .list();
        long total = jdbc.sql("select count(*) from organization_view where " + where)
                .params(params)
                .query(Long.class)
                .single();
        return request.of(items, total);
    }

    @GetMapping(path = "/api/organizations/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<OrganizationView> get(Actor actor, @PathVariable UUID id) {
        OrganizationId organization = new OrganizationId(id);
        boolean visible = actor.isPortalAdmin()
                || actor.memberships().stream().anyMatch(m -> m.organizationId().equals(organization));
        OrganizationView view = jdbc.sql("select * from organization_view where organization_id = ?")
                .param(id)
                .query(OrganizationsQueryController::row)
                .optional()
                .filter(v -> visible)
                .orElseThrow(() -> new NotFoundException("no such organization"));
        return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
    }


    private static OrganizationView row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new OrganizationView(rs.getObject("organization_id", UUID.class), rs.getString("name"),
                rs.getString("account_plan"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(), rs.getLong("version"));
    }
}
