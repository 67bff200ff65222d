package io.portalusers.query.users;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserSource;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import io.portalusers.query.users.UsersQueryController.UserView;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Finding users by name and email (R-SEARCH-1..3), filtered by what the actor may see and
 * by category, organization, role, state and source (R-SEARCH-4): the paged list and the
 * typeahead. Terms and filter values only ever travel as bind parameters.
 */
@RestController
class UserSearchController {

    static final int MAX_SUGGESTIONS = 20;

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;
    /** Exact counts up to here; beyond, the total is this cap and a lower bound. Not final: a test lowers it. */
    private int countCap;
    /**
     * How far a common term's walk of a sort index goes before all its matches are read and sorted
     * instead. Not final: a test lowers it.
     */
    private int walk = 2_000;

    UserSearchController(JdbcClient jdbc, PlatformTransactionManager transactions,
                         @Value("${portal.search.count-cap}") int countCap) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.countCap = countCap;
    }

    /** A page of users and their total, which is exact unless {@code totalIsLowerBound}. */
    record UserPage(List<UserView> items, int page, int size, long total, boolean totalIsLowerBound) {
    }

    /** Who the user is, and no membership: what a typing Org Admin may see of anyone it finds (R-SEARCH-5). */
    record Suggestion(UUID id, String fullName, String email, String username) {
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

    /**
     * Each order ends in the user id, so that equal names (emails, instants) keep one order across pages.
     * Names and emails sort by the code points of their lower-cased text (collation "C"), the order of
     * their indexes and of the typeahead, whatever the database's collation (their indexes in db/query).
     */
    enum Sort {
        NAME("lower(u.full_name) collate \"C\""),
        EMAIL("lower(u.email) collate \"C\""),
        CREATED("u.created_at");

        final String key;

        Sort(String key) {
            this.key = key;
        }

        static Order order(String raw) {
            boolean descending = raw.startsWith("-");
            Sort sort = choice(Sort.class, descending ? raw.substring(1) : raw);
            String direction = descending ? " desc" : " asc";
            return new Order(sort.key + direction + ", u.user_id" + direction,
                    sort.key + " as sort_key, u.user_id as sort_id", "u.sort_key" + direction + ", u.sort_id" + direction);
        }
    }

    /**
     * An order as SQL: {@code columns} of {@code user_view u}; and for a subquery that walks the
     * order's index, its {@code keys} as columns of their own and the order {@code byKeys} of those,
     * so that the planner sees the subquery's rows come in order and reads no more than it needs.
     */
    record Order(String columns, String keys, String byKeys) {
    }

    @GetMapping(path = "/api/users", produces = MediaType.APPLICATION_JSON_VALUE)
    UserPage search(Actor actor,
                    @RequestParam(required = false) String name,
                    @RequestParam(required = false) String email,
                    @RequestParam(required = false) String category,
                    @RequestParam(required = false) String organization,
                    @RequestParam(required = false) String role,
                    @RequestParam(required = false) String state,
                    @RequestParam(required = false) String source,
                    @RequestParam(defaultValue = "0") int page,
                    @RequestParam(defaultValue = "20") int size,
                    @RequestParam(defaultValue = "name") String sort) {
        Where where = Where.visibleTo(actor);
        FieldErrors errors = new FieldErrors();
        SearchTerm nameTerm = errors.parseOptional("name", name, raw -> SearchTerm.of("name", raw));
        SearchTerm emailTerm = errors.parseOptional("email", email, raw -> SearchTerm.of("email", raw));
        Category tab = errors.parseOptional("category", category, raw -> choice(Category.class, raw));
        UUID inOrganization = errors.parseOptional("organization", organization, UUID::fromString);
        Role withRole = errors.parseOptional("role", role, raw -> choice(Role.class, raw));
        State inState = errors.parseOptional("state", state, raw -> choice(State.class, raw));
        UserSource fromSource = errors.parseOptional("source", source, raw -> choice(UserSource.class, raw));
        Order order = errors.parse("sort", sort, Sort::order);
        errors.throwIfAny();
        String orderBy = order.columns();
        Page.Request request = Page.request(page, size);
        if (request.offset() >= countCap) {
            errors.add("page", "must start within the first " + countCap + " results; narrow the search instead");
            errors.throwIfAny();
        }

        where.matching("u.full_name", "name", nameTerm);
        where.matching("u.email", "email", emailTerm);
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

        return customPlans(() -> {
            // Up to one match past the cap, in the page's order: when that is every match (a rare or
            // medium term), it gives the total and the page's ids in one read of those rows, through
            // the trigram index. Only past the cap (a common term) does the page need a query of its own.
            List<UUID> matches = jdbc.sql("select u.user_id from (select u.* from user_view u where %s"
                            .formatted(where.sql()) + " limit :countLimit) u order by " + orderBy)
                    .params(where.params)
                    .param("countLimit", countCap + 1)
                    .query(UUID.class)
                    .list();
            boolean capped = matches.size() > countCap;
            List<UUID> ids;
            if (capped) {
                ids = firstOfMany("u.user_id", where, order, request.size(), request.offset(),
                        (rs, n) -> rs.getObject("user_id", UUID.class));
            } else {
                // the offset is below the cap (checked above), so it fits an int
                int from = (int) Math.min(request.offset(), matches.size());
                ids = matches.subList(from, Math.min(from + request.size(), matches.size()));
            }
            ReaderScope scope = ReaderScope.of(actor);
            List<UserView> items = ids.isEmpty() ? List.of()
                    : page("u.user_id in (:ids)", Map.of("ids", ids), orderBy, ids.size(), 0).stream()
                    .map(user -> user.seenBy(scope)).toList();
            return new UserPage(items, request.page(), request.size(), capped ? countCap : matches.size(), capped);
        });
    }

    /** The users of a page with their memberships and their invitation's email. */
    private List<UserView> page(String where, Map<String, ?> params, String orderBy, int limit, long offset) {
        return jdbc.sql("""
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

    @GetMapping(path = "/api/users/suggestions", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Suggestion> suggest(Actor actor,
                             @RequestParam(required = false) String name,
                             @RequestParam(required = false) String email,
                             @RequestParam(defaultValue = "10") int limit) {
        Where visible = Where.visibleTo(actor);
        FieldErrors errors = new FieldErrors();
        boolean byName = name != null;
        String field = byName ? "name" : "email";
        SearchTerm term = null;
        if (byName == (email != null)) {
            errors.add(field, "give exactly one of name and email");
        } else {
            term = errors.parse(field, byName ? name : email, raw -> SearchTerm.of(field, raw));
        }
        if (limit < 1 || limit > MAX_SUGGESTIONS) {
            errors.add("limit", "must be 1 to " + MAX_SUGGESTIONS);
        }
        errors.throwIfAny();
        String column = byName ? "u.full_name" : "u.email";
        SearchTerm typed = term;
        // What starts with the term first, as that is what a typing user is after, then what
        // contains it elsewhere; each part in the order of the column's index (lower-cased, collation
        // "C", then id), and each read stops at the limit. The prefix is a range of that index.
        return customPlans(() -> {
            Where starting = visible.copy();
            starting.and("lower(" + column + ") like lower(:prefix) escape '\\'");
            starting.param("prefix", typed.prefix());
            List<Suggestion> suggestions = new ArrayList<>(suggestions(starting, column, limit, false));
            if (suggestions.size() < limit) {
                Where containing = visible.copy();
                containing.matching(column, field, typed);
                // strpos finds the first occurrence: past the first character means "not a prefix"
                containing.and("strpos(lower(" + column + "), lower(:" + field + ")) > 1");
                suggestions.addAll(suggestions(containing, column, limit - suggestions.size(), true));
            }
            return suggestions;
        });
    }

    /**
     * The first {@code limit} users of the column's order among those {@code where} finds. When
     * {@code bounded}, first up to one match past the count cap (through the trigram index when
     * there are few): if that is all of them, the first of those; only for a common term the
     * first of many. Else (the prefix, a range of the column's index) the index in order.
     */
    private List<Suggestion> suggestions(Where where, String column, int limit, boolean bounded) {
        String order = " order by lower(" + column + ") collate \"C\", u.user_id limit :limit";
        if (!bounded) {
            return jdbc.sql("select u.user_id, u.full_name, u.email, u.username from user_view u where " + where.sql()
                            + order)
                    .params(where.params)
                    .param("limit", limit)
                    .query((rs, n) -> suggestion(rs))
                    .list();
        }
        List<Suggestion> few = new ArrayList<>();
        long[] matched = {0};
        jdbc.sql("select u.user_id, u.full_name, u.email, u.username, count(*) over () as matched"
                        + " from (select u.* from user_view u where " + where.sql() + " limit :countLimit) u" + order)
                .params(where.params)
                .param("countLimit", countCap + 1)
                .param("limit", limit)
                .query(rs -> {
                    matched[0] = rs.getLong("matched");
                    few.add(suggestion(rs));
                });
        if (matched[0] <= countCap) {
            return few;
        }
        return firstOfMany("u.user_id, u.full_name, u.email, u.username", where,
                Sort.order(column.equals("u.full_name") ? "name" : "email"), limit, 0, (rs, n) -> suggestion(rs));
    }

    /**
     * Of a term with more matches than the count cap, the {@code columns} of the first {@code limit}
     * after {@code offset} in {@code order}. A walk of the sort's index finds them soonest, unless
     * they gather late in that order (the names that start with "Zor", say): so the walk stops after
     * {@link #walk} rows, and then every match is read through the trigram index and sorted.
     */
    private <T> List<T> firstOfMany(String columns, Where where, Order order, int limit, long offset,
                                    RowMapper<T> row) {
        List<T> found = jdbc.sql("""
                        select %1$s from (select u.*, %2$s from user_view u order by %3$s limit :walk) u
                        where %4$s order by %5$s limit :limit offset :offset""".formatted(columns, order.keys(),
                        order.columns(), where.sql(), order.byKeys()))
                .params(where.params)
                .param("walk", walk)
                .param("limit", limit)
                .param("offset", offset)
                .query(row)
                .list();
        if (found.size() == limit) {
            return found;
        }
        return jdbc.sql("with matches as materialized (select u.* from user_view u where %1$s) select %2$s from matches u"
                        .formatted(where.sql(), columns) + " order by %s limit :limit offset :offset"
                        .formatted(order.columns()))
                .params(where.params)
                .param("limit", limit)
                .param("offset", offset)
                .query(row)
                .list();
    }

    private static Suggestion suggestion(ResultSet rs) throws SQLException {
        return new Suggestion(rs.getObject("user_id", UUID.class), rs.getString("full_name"), rs.getString("email"),
                rs.getString("username"));
    }

    /**
     * Runs the queries of one request in a read-only transaction planned for their actual terms.
     * The JDBC driver turns a statement run five times into a server-side prepared one, whose
     * generic plan PostgreSQL then may keep: one plan for every term, where a common term needs
     * the walk of a sort index and a rare one the trigram index (a walk that finds nothing reads
     * the whole index).
     */
    private <T> T customPlans(Supplier<T> queries) {
        return readOnly.execute(status -> {
            jdbc.sql("select set_config('plan_cache_mode', 'force_custom_plan', true)").query(String.class).single();
            return queries.get();
        });
    }

    /** An enum constant as a query string spells it ({@code org-users}, {@code ORG_ADMIN}, {@code idp}), or why not. */
    private static <E extends Enum<E>> E choice(Class<E> type, String raw) {
        try {
            return Enum.valueOf(type, raw.strip().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(constant -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.joining(", ")));
        }
    }

    /** The conditions of a search and their bind parameters. */
    private static final class Where {

        private final List<String> conditions = new ArrayList<>();
        private final Map<String, Object> params = new HashMap<>();

        /**
         * R-SEARCH-4 (neither results nor counts show a user the actor may not see): a
         * Portal Admin sees everyone, whatever the SSO
         * setting; an Org Admin the users with a membership in an organization it
         * administers, in the results and in the counts; nobody else lists users.
         */
        static Where visibleTo(Actor actor) {
            Where where = new Where();
            if (actor.isPortalAdmin()) {
                return where;
            }
            Set<OrganizationId> administered = actor.administeredOrganizations();
            if (administered.isEmpty()) {
                throw RuleViolationException.forbidden("R-SEARCH-4",
                        "only Portal Admins and Org Admins can search users");
            }
            where.and("exists (select 1 from user_membership_view v where v.user_id = u.user_id"
                    + " and v.organization_id in (:administered))");
            where.param("administered", administered.stream().map(OrganizationId::value).toList());
            return where;
        }

        /**
         * R-SEARCH-1, R-SEARCH-3: the term anywhere in the column, case-insensitively, every character
         * literal. strpos on the lower-cased text decides; the search key's LIKE (user_search_key) is what the
         * trigram index answers, a superset of the matches. The planner estimates {@code <> 0} on a
         * function as nearly always true, so the two conditions (which are nearly one) count once in
         * its estimate of the matches, not twice.
         */
        void matching(String column, String param, SearchTerm term) {
            if (term != null) {
                and("strpos(lower(" + column + "), lower(:" + param + ")) <> 0 and user_search_key(" + column
                        + ") like '%' || user_search_key(:" + param + ") || '%'");
                param(param, term.text());
            }
        }

        Where copy() {
            Where copy = new Where();
            copy.conditions.addAll(conditions);
            copy.params.putAll(params);
            return copy;
        }

        void and(String condition) {
            conditions.add(condition);
        }

        void param(String name, Object value) {
            params.put(name, value);
        }

        String sql() {
            return conditions.isEmpty() ? "true" : String.join(" and ", conditions);
        }
    }
}
