package io.portalusers.query.reports;

import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.RuleViolationException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The organizations whose figures the reader sees (R-SEARCH-4): every one for a Portal
 * Admin or an audit:read machine client, those it administers for an Org Admin, and within
 * those the one asked for.
 */
record ReportScope(boolean everything, Set<UUID> organizations) {

    static ReportScope of(AuditReader reader, String organization) {
        FieldErrors errors = new FieldErrors();
        UUID only = errors.parseOptional("organization", organization, UUID::fromString);
        Set<OrganizationId> administered = reader.readsEverything() ? Set.of() : reader.administeredOrganizations();
        if (!reader.readsEverything() && administered.isEmpty()) {
            throw RuleViolationException.forbidden("R-SEARCH-4",
                    "only Portal Admins and Org Admins can read reports");
        }
        errors.throwIfAny();
        if (only != null) {
            // An Org Admin asking for another organization reads no figures, as its search finds nobody there.
            boolean visible = reader.readsEverything() || administered.contains(new OrganizationId(only));
            return new ReportScope(false, visible ? Set.of(only) : Set.of());
        }
        if (reader.readsEverything()) {
            return new ReportScope(true, Set.of());
        }
        return new ReportScope(false, Set.copyOf(administered.stream().map(OrganizationId::value).toList()));
    }

    /** The condition that {@code userId} is a user the scope covers: a member of one of its organizations. */
    String users(String userId) {
        return everything ? "true" : userId
                + " in (select m.user_id from user_membership_view m where m.organization_id in (:organizations))";
    }

    /** At most one organization (none: an Org Admin asking for another's): its counts answer. */
    boolean single() {
        return !everything && organizations.size() <= 1;
    }

    Map<String, Object> params() {
        // "in ()" is not SQL: an empty scope binds an id no organization has.
        UUID nobody = new UUID(0, 0);
        return everything ? Map.of() : Map.of("organizations",
                organizations.isEmpty() ? List.of(nobody) : List.copyOf(organizations),
                "organization", organizations.isEmpty() ? nobody : organizations.iterator().next());
    }
}
