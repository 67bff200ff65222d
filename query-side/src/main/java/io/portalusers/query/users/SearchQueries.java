package io.portalusers.query.users;

import io.portalusers.api.InvalidValueException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the paged search ({@link UserSearch}) and the typeahead ({@link Typeahead}) read alike:
 * their transaction planned for the actual terms, the orders of {@code user_view}, and the
 * first rows of a term with many matches.
 */
@Component
class SearchQueries {

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;
    private final SearchSettings settings;

    SearchQueries(JdbcClient jdbc, PlatformTransactionManager transactions, SearchSettings settings) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.settings = settings;
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    /** Exact counts up to here; beyond, the total is this cap and a lower bound. */
    int countCap() {
        return settings.getCountCap();
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

    /**
     * Of a term with more matches than the count cap, the {@code columns} of the first {@code limit}
     * after {@code offset} in {@code order}. A walk of the sort's index finds them soonest, unless
     * they gather late in that order (the names that start with "Zor", say): so the walk stops after
     * {@code portal.search.walk} rows, and then every match is read through the trigram index and sorted.
     */
    <T> List<T> firstOfMany(String columns, SearchConditions where, Order order, int limit, long offset,
                            RowMapper<T> row) {
        List<T> found = jdbc.sql("""
                        select %1$s from (select u.*, %2$s from user_view u order by %3$s limit :walk) u
                        where %4$s order by %5$s limit :limit offset :offset""".formatted(columns, order.keys(),
                        order.columns(), where.sql(), order.byKeys()))
                .params(where.params())
                .param("walk", settings.getWalk())
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
                .params(where.params())
                .param("limit", limit)
                .param("offset", offset)
                .query(row)
                .list();
    }

    /**
     * Runs the queries of one request in a read-only transaction planned for their actual terms.
     * The JDBC driver turns a statement run five times into a server-side prepared one, whose
     * generic plan PostgreSQL then may keep: one plan for every term, where a common term needs
     * the walk of a sort index and a rare one the trigram index (a walk that finds nothing reads
     * the whole index).
     */
    <T> T customPlans(Supplier<T> queries) {
        return readOnly.execute(status -> {
            jdbc.sql("select set_config('plan_cache_mode', 'force_custom_plan', true)").query(String.class).single();
            return queries.get();
        });
    }

    /** An enum constant as a query string spells it ({@code org-users}, {@code ORG_ADMIN}, {@code idp}), or why not. */
    static <E extends Enum<E>> E choice(Class<E> type, String raw) {
        try {
            return Enum.valueOf(type, raw.strip().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(constant -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.joining(", ")));
        }
    }
}
