package io.portalusers.query.users;

import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.RuleViolationException;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The conditions of a search of {@code user_view u} and their bind parameters. */
final class SearchConditions {

    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> params = new HashMap<>();
    /** The terms matched, by column: what {@link SearchKeySample#share} estimates a walk's chances from. */
    private final Map<Column, String> terms = new EnumMap<>(Column.class);
    /** Each term's bind parameter, by column. */
    private final Map<Column, String> termParams = new EnumMap<>(Column.class);
    /** Where in {@link #conditions} each term's condition is, by column. */
    private final Map<Column, Integer> termConditions = new EnumMap<>(Column.class);

    /**
     * R-SEARCH-4 (neither results nor counts show a user the actor may not see): a
     * Portal Admin sees everyone, whatever the SSO
     * setting; an Org Admin the users with a membership in an organization it
     * administers, in the results and in the counts; nobody else lists users.
     */
    static SearchConditions visibleTo(Actor actor) {
        SearchConditions where = new SearchConditions();
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
     * literal. strpos on the lower-cased text decides; the LIKE over the column's stored search key
     * ({@code name_key}, {@code email_key}: db/query V9) is what the trigram index answers, a
     * superset of the matches. The planner estimates {@code <> 0} on a function as nearly always
     * true, so the two conditions (which are nearly one) count once in its estimate of the matches,
     * not twice. The index is asked for the part of the term the sample says narrows the candidates
     * at least cost ({@link SearchKeySample#indexed}): every key with the term has that part, so the
     * strpos still decides alone.
     */
    void matching(Column column, String param, SearchTerm term, SearchKeySample sample) {
        if (term != null) {
            termConditions.put(column, conditions.size());
            and(containing("lower(u." + column.text + ")", "u." + column.key, param));
            param(param, term.text());
            param(param + "Indexed", sample.indexed(column, term.text()));
            terms.put(column, term.text());
            termParams.put(column, param);
        }
    }

    Map<Column, String> terms() {
        return terms;
    }

    /** The bind parameter of the term of {@code column}, or null: none. */
    String termParam(Column column) {
        return termParams.get(column);
    }

    /**
     * The term (bind parameter {@code param}) in {@code text}: strpos decides, the LIKE over
     * {@code key}, the search key of that text, is what a trigram index answers.
     */
    private static String containing(String text, String key, String param) {
        return "strpos(" + text + ", lower(:" + param + ")) <> 0 and " + key + " like '%' || user_search_key(:"
                + param + "Indexed) || '%'";
    }

    /** The text of {@code column} starts with the term: a range of the index of the order by that column. */
    private static String starting(Column column, String param) {
        return "lower(u." + column.text + ") collate \"C\" ^@ lower(:" + param + ")";
    }

    /** The column of the one term these conditions match on, when they have no other condition; else null. */
    Column soleTerm() {
        return conditions.size() == 1 && terms.size() == 1 ? terms.keySet().iterator().next() : null;
    }

    /** These conditions with the trigram index asked, of the term of {@code column}, for {@code part} only. */
    SearchConditions indexedBy(Column column, String part) {
        SearchConditions copy = copy();
        copy.param(termParams.get(column) + "Indexed", part);
        return copy;
    }

    /**
     * These conditions with the term of {@code column} matched only where it starts the column's
     * text: a range of the index of the order by that column (collation "C"), read in that order.
     */
    SearchConditions startingWith(Column column) {
        return withTerm(column, param -> starting(column, param));
    }

    /**
     * These conditions with the term of {@code column} matched only where it does not start the
     * column's text but comes later in it: what the trigram index of the key without its first
     * character ({@link Column#laterKey}) answers, a superset as for {@link #matching}.
     */
    SearchConditions laterOnly(Column column) {
        return withTerm(column, param -> containing("substr(lower(u." + column.text + "), 2)", column.laterKey, param)
                + " and not (" + starting(column, param) + ")");
    }

    /** These conditions with the term of {@code column} matched by {@code condition} of its bind parameter instead. */
    private SearchConditions withTerm(Column column, UnaryOperator<String> condition) {
        SearchConditions copy = copy();
        copy.conditions.set(termConditions.get(column), condition.apply(termParams.get(column)));
        return copy;
    }

    /** A searched column of {@code user_view u}, its stored search key, and that key without its first character where it has a trigram index. */
    enum Column {
        NAME("full_name", "name_key", "substr(u.name_key, 2)"),
        EMAIL("email", "email_key", null);

        final String text;
        final String key;
        /** The expression of the trigram index of the key without its first character (db/query V12), or null: none. */
        final String laterKey;

        Column(String text, String key, String laterKey) {
            this.text = text;
            this.key = key;
            this.laterKey = laterKey;
        }
    }

    SearchConditions copy() {
        SearchConditions copy = new SearchConditions();
        copy.conditions.addAll(conditions);
        copy.params.putAll(params);
        copy.terms.putAll(terms);
        copy.termParams.putAll(termParams);
        copy.termConditions.putAll(termConditions);
        return copy;
    }

    void and(String condition) {
        conditions.add(condition);
    }

    void param(String name, Object value) {
        params.put(name, value);
    }

    Map<String, Object> params() {
        return params;
    }

    String sql() {
        return conditions.isEmpty() ? "true" : String.join(" and ", conditions);
    }
}
