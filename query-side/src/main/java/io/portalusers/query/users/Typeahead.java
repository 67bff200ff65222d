package io.portalusers.query.users;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.query.users.SearchQueries.Order;
import io.portalusers.query.users.SearchQueries.Sort;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The typeahead of the user pickers (R-SEARCH-1..5): the users whose name or email has the typed
 * term, those that start with it first, each shown only as who it is.
 */
@Component
class Typeahead {

    static final int MAX_SUGGESTIONS = 20;

    private final SearchQueries queries;

    Typeahead(SearchQueries queries) {
        this.queries = queries;
    }

    /** Who the user is, and no membership: what a typing Org Admin may see of anyone it finds (R-SEARCH-5). */
    record Suggestion(UUID id, String fullName, String email, String username) {
    }

    /** The field a term is typed into, as the request names it, and its column. */
    enum Field {
        NAME("name", SearchConditions.Column.NAME),
        EMAIL("email", SearchConditions.Column.EMAIL);

        final String param;
        final SearchConditions.Column searched;
        /** The column of {@code user_view u}. */
        final String column;

        Field(String param, SearchConditions.Column searched) {
            this.param = param;
            this.searched = searched;
            this.column = "u." + searched.text;
        }
    }

    /**
     * What starts with the term first, as that is what a typing user is after, then what
     * contains it elsewhere; each part in the order of the column's index (lower-cased, collation
     * "C", then id), and each read stops at the limit. The prefix is a range of that index.
     */
    List<Suggestion> suggest(Actor actor, String name, String email, int limit) {
        SearchConditions visible = SearchConditions.visibleTo(actor);
        FieldErrors errors = new FieldErrors();
        Field field = name != null ? Field.NAME : Field.EMAIL;
        SearchTerm term = null;
        if ((name != null) == (email != null)) {
            errors.combination(field.param, "give exactly one of name and email");
        } else {
            term = errors.parse(field.param, name != null ? name : email, raw -> SearchTerm.of(field.param, raw));
        }
        if (limit < 1 || limit > MAX_SUGGESTIONS) {
            errors.add("limit", "must be 1 to " + MAX_SUGGESTIONS);
        }
        errors.throwIfAny();
        String column = field.column;
        SearchTerm typed = term;
        return queries.customPlans(() -> {
            SearchConditions starting = visible.copy();
            starting.and("lower(" + column + ") like lower(:prefix) escape '\\'");
            starting.param("prefix", typed.prefix());
            List<Suggestion> suggestions = new ArrayList<>(suggestions(starting, field, limit, false));
            if (suggestions.size() < limit) {
                SearchConditions containing = visible.copy();
                containing.matching(field.searched, field.param, typed, queries.sample());
                // strpos finds the first occurrence: past the first character means "not a prefix"
                containing.and("strpos(lower(" + column + "), lower(:" + field.param + ")) > 1");
                suggestions.addAll(suggestions(containing, field, limit - suggestions.size(), true));
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
    private List<Suggestion> suggestions(SearchConditions where, Field field, int limit, boolean bounded) {
        String order = " order by lower(" + field.column + ") collate \"C\", u.user_id limit :limit";
        if (!bounded) {
            return queries.jdbc().sql("select u.user_id, u.full_name, u.email, u.username from user_view u where "
                            + where.sql() + order)
                    .params(where.params())
                    .param("limit", limit)
                    .query((rs, n) -> suggestion(rs))
                    .list();
        }
        Order sort = Sort.order(field.param);
        String columns = "u.user_id, u.full_name, u.email, u.username";
        // a common term's first matches are in the head of one of its trigrams: no count needed
        List<Suggestion> fromHead = queries.fromHead(columns, where, sort, limit, 0, (rs, n) -> suggestion(rs));
        if (fromHead != null) {
            return fromHead;
        }
        int countCap = queries.countCap();
        List<Suggestion> few = new ArrayList<>();
        long[] matched = {0};
        queries.jdbc().sql("select u.user_id, u.full_name, u.email, u.username, count(*) over () as matched"
                        + " from (select u.* from user_view u where " + where.sql() + " limit :countLimit) u" + order)
                .params(where.params())
                .param("countLimit", countCap + 1)
                .param("limit", limit)
                .query(rs -> {
                    matched[0] = rs.getLong("matched");
                    few.add(suggestion(rs));
                });
        if (matched[0] <= countCap) {
            return few;
        }
        return queries.firstOfMany(columns, where, sort, limit, 0, (rs, n) -> suggestion(rs));
    }

    private static Suggestion suggestion(ResultSet rs) throws SQLException {
        return new Suggestion(rs.getObject("user_id", UUID.class), rs.getString("full_name"), rs.getString("email"),
                rs.getString("username"));
    }
}
