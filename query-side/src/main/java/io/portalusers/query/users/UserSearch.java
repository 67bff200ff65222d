package io.portalusers.query.users;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserSource;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.web.Page;
import io.portalusers.query.users.SearchQueries.Order;
import io.portalusers.query.users.SearchQueries.Sort;
import io.portalusers.query.users.UsersQueryController.UserView;
import org.springframework.stereotype.Component;

import static io.portalusers.query.users.SearchQueries.choice;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Finding users by name and email (R-SEARCH-1..3), filtered by what the actor may see and
 * by category, organization, role, state and source (R-SEARCH-4): builds the search of
 * {@code user_view} and runs it. Terms and filter values only ever travel as bind parameters.
 */
@Component
class UserSearch {

    private final SearchQueries queries;

    UserSearch(SearchQueries queries) {
        this.queries = queries;
    }

    /** A page of users and their total, which is exact unless {@code totalIsLowerBound}. */
    record UserPage(List<UserView> items, int page, int size, long total, boolean totalIsLowerBound) {
    }

    /**
     * A search as asked for, each filter as the query string spells it, or null (not filtered on):
     * {@code category} {@code publishers}, {@code org-users} or {@code developers}; {@code state}
     * {@code pending}, {@code active} or {@code disabled}; {@code sort} a field, {@code -} first
     * for descending.
     */
    record Query(String name, String email, String category, String organization, String role, String state,
                 String source, int page, int size, String sort) {
    }

    /** The category tabs of the Users page. */
    enum Category {
        PUBLISHERS("u.category = '" + UserCategory.GLOBAL_PUBLISHER + "'"),
        ORG_USERS("u.category = '" + UserCategory.ORG_USER + "'"),
        DEVELOPERS("u.account_role = '" + Role.DEVELOPER + "'");

        final String condition;

        Category(String condition) {
            this.condition = condition;
        }
    }

    /** The account state: enabled or not, and for enabled accounts, whether activation is complete. */
    enum State {
        PENDING("u.enabled and u.activation = '" + UsersProjection.PENDING + "'"),
        ACTIVE("u.enabled and u.activation = 'ACTIVE'"),
        DISABLED("not u.enabled");

        final String condition;

        State(String condition) {
            this.condition = condition;
        }
    }

    UserPage search(Actor actor, Query query) {
        SearchConditions where = SearchConditions.visibleTo(actor);
        FieldErrors errors = new FieldErrors();
        SearchTerm nameTerm = errors.parseOptional("name", query.name(), raw -> SearchTerm.of("name", raw));
        SearchTerm emailTerm = errors.parseOptional("email", query.email(), raw -> SearchTerm.of("email", raw));
        Category tab = errors.parseOptional("category", query.category(), raw -> choice(Category.class, raw));
        UUID inOrganization = errors.parseOptional("organization", query.organization(), UUID::fromString);
        Role withRole = errors.parseOptional("role", query.role(), raw -> choice(Role.class, raw));
        State inState = errors.parseOptional("state", query.state(), raw -> choice(State.class, raw));
        UserSource fromSource = errors.parseOptional("source", query.source(), raw -> choice(UserSource.class, raw));
        Order order = errors.parse("sort", query.sort(), Sort::order);
        errors.throwIfAny();
        String orderBy = order.columns();
        Page.Request request = Page.request(query.page(), query.size());
        int countCap = queries.countCap();
        if (request.offset() >= countCap) {
            errors.combination("page", "must start within the first " + countCap + " results; narrow the search instead");
            errors.throwIfAny();
        }

        where.matching(SearchConditions.Column.NAME, "name", nameTerm, queries.sample());
        where.matching(SearchConditions.Column.EMAIL, "email", emailTerm, queries.sample());
        if (tab != null) {
            where.and(tab.condition);
        }
        if (inOrganization != null) {
            // An Org Admin finds nobody in an organization it does not administer (R-SEARCH-4),
            // not even the users it sees through another one. The role is the one held there.
            if (!actor.isPortalAdmin() && !actor.isOrgAdminOf(new OrganizationId(inOrganization))) {
                where.and("false");
            }
            where.and("exists (select 1 from user_membership_view o where o.user_id = u.user_id"
                    + " and o.organization_id = :organization"
                    + (withRole == null ? "" : " and o.org_role = :role") + ")");
            where.param("organization", inOrganization);
        } else if (withRole != null) {
            // R-SEARCH-5: a role held in an organization the reader does not see matches nothing,
            // or the results would tell an Org Admin what the user is elsewhere
            where.and("(u.account_role = :role or exists (select 1 from user_membership_view r"
                    + " where r.user_id = u.user_id and r.org_role = :role"
                    + (actor.isPortalAdmin() ? "" : " and (r.organization_id in (:administered) or r.user_id = :reader)")
                    + "))");
            if (!actor.isPortalAdmin()) {
                where.param("reader", actor.userId().value());
            }
        }
        if (withRole != null) {
            where.param("role", withRole.name());
        }
        if (inState != null) {
            where.and(inState.condition);
        }
        if (fromSource != null) {
            where.and("u.source = :source");
            where.param("source", fromSource.name());
        }

        return queries.customPlans(() -> {
            SearchQueries.Found<UUID> found = queries.find("u.user_id", where, order, request.size(), request.offset(),
                    (rs, n) -> rs.getObject("user_id", UUID.class));
            List<UUID> ids = found.page();
            ReaderScope scope = ReaderScope.of(actor);
            List<UserView> items = ids.isEmpty() ? List.of()
                    : page("u.user_id in (:ids)", Map.of("ids", ids), orderBy, ids.size(), 0).stream()
                    .map(user -> user.seenBy(scope)).toList();
            return new UserPage(items, request.page(), request.size(), found.total(), found.capped());
        });
    }

    /** The users of a page with their memberships and their invitation's email. */
    private List<UserView> page(String where, Map<String, ?> params, String orderBy, int limit, long offset) {
        return queries.jdbc().sql("""
                        with page as (select u.* from user_view u where %1$s order by %2$s limit :limit offset :offset)
                        select u.*, %3$s, m.organization_id, m.org_role
                        from page u %4$s left join user_membership_view m on m.user_id = u.user_id
                        order by %2$s, m.organization_id""".formatted(where, orderBy,
                        UsersQueryController.DELIVERY_COLUMNS, UsersQueryController.DELIVERY_JOIN))
                .params(params)
                .param("limit", limit)
                .param("offset", offset)
                .query(UsersQueryController::users);
    }
}
