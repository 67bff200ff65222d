package io.portalusers.query.users;

import io.portalusers.api.InvalidValueException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private final DataSource dataSource;
    private final TransactionTemplate readOnly;
    private final SearchSettings settings;
    private final SearchKeySample sample;

    /** How common terms' pages were read: many "sort" would say the heads are too short for the filters used. */
    private final Counter fromHeads;
    private final Counter split;
    private final Counter walked;
    private final Counter sorted;
    private final Counter sortedWhole;
    /** Walks that did not fill their page: time spent before the sort, which the sample's estimate is there to spare. */
    private final Counter missedWalks;
    /** Counts to the cap from a random part of the candidates, by whether they proved the cap passed. */
    private final Counter sampledProven;
    private final Counter sampledUnproven;

    SearchQueries(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager transactions,
                  SearchSettings settings, SearchKeySample sample, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.sample = sample;
        this.fromHeads = pagesRead("head", meters);
        this.split = pagesRead("split", meters);
        this.walked = pagesRead("walk", meters);
        this.sorted = pagesRead("sort", meters);
        this.sortedWhole = pagesRead("all", meters);
        this.missedWalks = Counter.builder("portal.search.common.walks.missed")
                .description("Walks of a sort index that found too few matches for the page, before every match was sorted")
                .register(meters);
        this.sampledProven = sampledCounts("proven", meters);
        this.sampledUnproven = sampledCounts("unproven", meters);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.settings = settings;
    }

    private static Counter pagesRead(String how, MeterRegistry meters) {
        return Counter.builder("portal.search.common.pages")
                .description("Pages of terms with more matches than the count cap, by how they were read")
                .tag("read", how).register(meters);
    }

    private static Counter sampledCounts(String outcome, MeterRegistry meters) {
        return Counter.builder("portal.search.counts.sampled")
                .description("Counts to the cap read from a random part of a common term's candidates; "
                        + "unproven ones were followed by the exact count")
                .tag("outcome", outcome).register(meters);
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    SearchKeySample sample() {
        return sample;
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
        NAME("lower(u.full_name) collate \"C\"", "n", "m", "name"),
        EMAIL("lower(u.email) collate \"C\"", "f", "e", "email"),
        CREATED("u.created_at", null, null, null);

        final String key;
        /** The term typed into the field this order sorts by, whose heads' keys are its text lower-cased. */
        final String ownTerm;
        /**
         * The search heads (db/query V8) kept in this order, ascending, by the field a term is typed
         * into (the bind parameter the search and the typeahead give it): of the names' trigrams and
         * of the emails' trigrams. None for the order by creation.
         */
        final Map<String, String> heads;

        Sort(String key, String nameHeads, String emailHeads, String ownTerm) {
            this.key = key;
            this.ownTerm = ownTerm;
            this.heads = nameHeads == null ? Map.of() : Map.of("name", nameHeads, "email", emailHeads);
        }

        static Order order(String raw) {
            boolean descending = raw.startsWith("-");
            Sort sort = choice(Sort.class, descending ? raw.substring(1) : raw);
            String direction = descending ? " desc" : " asc";
            return new Order(sort.key + direction + ", u.user_id" + direction,
                    sort.key + " as sort_key, u.user_id as sort_id", "u.sort_key" + direction + ", u.sort_id" + direction,
                    descending ? null : sort);
        }
    }

    /**
     * An order as SQL: {@code columns} of {@code user_view u}; and for a subquery that walks the
     * order's index, its {@code keys} as columns of their own and the order {@code byKeys} of those,
     * so that the planner sees the subquery's rows come in order and reads no more than it needs;
     * {@code heads} the sort whose search heads are kept in this order, or null (none are: descending).
     */
    record Order(String columns, String keys, String byKeys, Sort heads) {
    }

    /** A page, the total of the matches up to the count cap, and whether there are more. */
    record Found<T>(List<T> page, long total, boolean capped) {

        /** With {@code matches} counted up to one past the cap. */
        static <T> Found<T> of(List<T> page, long matches, int cap) {
            return new Found<>(page, Math.min(matches, cap), matches > cap);
        }
    }

    /**
     * A term the sample puts in at most this many users, whose first page the heads do not hold, is
     * read whole once, sorted and counted, instead of counted to the cap and then read whole again:
     * "ames.jone" (2,000 users at a million, late in email order) took 10 ms to count, 3 ms to find
     * no head with its page and 15 ms to sort.
     */
    static final int SORTED_AT_ONCE = 10_000;

    /**
     * The {@code columns} of the first {@code limit} after {@code offset} in {@code order} of those
     * {@code where} finds, with their total up to the count cap. Up to one match past the cap is
     * read in the page's order: when that is every match (a rare or medium term), it gives the
     * total and the page in one read of those rows, through the trigram index. Past the cap (a
     * common term) the page comes from the heads ({@link #fromHead}), split at the term
     * ({@link #splitAtTerm}) or from {@link #firstOfMany}.
     * A term that the sample puts past the cap, and all the conditions match on, is looked up in the
     * heads first; a count then follows only when they hold its page.
     */
    <T> Found<T> find(String columns, SearchConditions where, Order order, int limit, long offset,
                      RowMapper<T> row) {
        int cap = countCap();
        SearchConditions.Column sole = where.soleTerm();
        long estimated = sole == null ? -1 : sample.users(sole, where.terms().get(sole));
        boolean headFirst = estimated > cap && settings.isHeads() && order.heads() != null;
        if (headFirst) {
            List<T> page = fromHeadOrSplit(columns, where, order, limit, offset, row);
            if (page != null) {
                return Found.of(page, manyProven(where, estimated) ? cap + 1L : countUpTo(where, cap + 1L), cap);
            }
            if (estimated <= SORTED_AT_ONCE) {
                Found<T> all = sortedWithTotal(columns, where, order, limit, offset, row, 2L * SORTED_AT_ONCE);
                return all != null ? all : many(true, columns, where, order, limit, offset, row);
            }
        }
        if (manyProven(where, estimated)) {
            return many(headFirst, columns, where, order, limit, offset, row);
        }
        List<T> matches = jdbc.sql("select %s from (select u.* from user_view u where %s limit :countLimit) u order by %s"
                        .formatted(columns, where.sql(), order.columns()))
                .params(where.params())
                .param("countLimit", cap + 1)
                .query(row)
                .list();
        if (matches.size() <= cap) {
            // the offset is below the cap (callers check), so it fits an int
            int from = (int) Math.min(offset, matches.size());
            return Found.of(matches.subList(from, Math.min(from + limit, matches.size())), matches.size(), cap);
        }
        return many(headFirst, columns, where, order, limit, offset, row);
    }

    /**
     * The page of a term with more matches than the cap: from the heads or split at the term
     * unless they were asked already, else the first of many.
     */
    private <T> Found<T> many(boolean asked, String columns, SearchConditions where, Order order, int limit,
                              long offset, RowMapper<T> row) {
        List<T> page = asked ? null : fromHeadOrSplit(columns, where, order, limit, offset, row);
        return Found.of(page != null ? page : firstOfMany(columns, where, order, limit, offset, row),
                countCap() + 1L, countCap());
    }

    /** How many users {@code where} finds, counted up to {@code enough}. */
    private long countUpTo(SearchConditions where, long enough) {
        return jdbc.sql("select count(*) from (select 1 from user_view u where " + where.sql() + " limit :enough) u")
                .params(where.params())
                .param("enough", enough)
                .query(Long.class).single();
    }

    /**
     * Every match of {@code where} read once (up to {@code readCap}), counted, and the page of them
     * in {@code order}; null when there were more than {@code readCap}, the page then unknown.
     */
    private <T> Found<T> sortedWithTotal(String columns, SearchConditions where, Order order, int limit, long offset,
                                         RowMapper<T> row, long readCap) {
        long[] total = {0};
        List<T> page = new ArrayList<>();
        jdbc.sql("""
                        with matches as materialized (select %1$s, %2$s from user_view u where %3$s limit :readCap)
                        select %1$s, (select count(*) from matches) as matched
                        from matches u order by %4$s limit :limit offset :offset""".formatted(columns,
                        order.keys(), where.sql(), order.byKeys()))
                .params(where.params())
                .param("readCap", readCap + 1)
                .param("limit", limit)
                .param("offset", offset)
                .query(rs -> {
                    total[0] = rs.getLong("matched");
                    page.add(row.mapRow(rs, page.size()));
                });
        if (page.isEmpty()) {
            // past the last match: count them without the page
            total[0] = countUpTo(where, readCap + 1);
        }
        if (total[0] > readCap) {
            return null;
        }
        sortedWhole.increment();
        return Found.of(page, total[0], countCap());
    }

    /**
     * Whether more users than the count cap match {@code where}, proven from a random part of the
     * candidates of one trigram of its term ({@link SearchKeySample#sampledCount}) where the sample
     * says the term is that common ({@code estimated} users) and the term is all {@code where}
     * matches on: only then does a random part of its candidates say something of the matches. Listing every
     * candidate was most of such a count: at a million users the rarest trigram of "williams" has
     * 43,000, which the index took 12.5 ms to list before the first row was read; 2,800 of them
     * (PostgreSQL's {@code gin_fuzzy_search_limit}) took 1.3 ms and held 1,001 matches. Each match
     * is checked as any other, so finding more than the cap proves the total passes it; finding
     * fewer proves nothing, and false sends the caller to the exact count.
     */
    private boolean manyProven(SearchConditions where, long estimated) {
        SearchConditions.Column column = where.soleTerm();
        long enough = countCap() + 1L;
        SearchKeySample.SampledCount part = column == null ? null
                : sample.sampledCount(column, where.terms().get(column), estimated, enough);
        if (part == null) {
            return false;
        }
        // both local to the transaction, and set back before its next query: the exact reads after
        // this one must see every candidate (a sequential scan would read rows until 1,001 match,
        // as many as the whole table when the term's users were added last)
        String seqscan = jdbc.sql("""
                        select b.before, set_config('gin_fuzzy_search_limit', :candidates, true),
                               set_config('enable_seqscan', 'off', true)
                        from (select current_setting('enable_seqscan') as before offset 0) b""")
                .param("candidates", Integer.toString(part.candidates()))
                .query((rs, n) -> rs.getString("before")).single();
        long found;
        try {
            found = countUpTo(where.indexedBy(column, part.trigram()), enough);
        } finally {
            jdbc.sql("select set_config('gin_fuzzy_search_limit', '0', true), set_config('enable_seqscan', :seqscan, true)")
                    .param("seqscan", seqscan)
                    .query((rs, n) -> n).single();
        }
        boolean proven = found >= enough;
        (proven ? sampledProven : sampledUnproven).increment();
        return proven;
    }

    /**
     * The {@code columns} of the first {@code limit} after {@code offset} in {@code order} of those
     * {@code where} finds, read from the search head (db/query V6, V8) that reaches furthest in the
     * order among those of the trigrams of the terms typed (a name term's trigrams have heads in
     * either order, and so have an email term's): every match up to that head's bound is in it,
     * since a match has each of its term's trigrams. A head in the order of its own field keeps
     * that field's lower-cased text as the entry's key, so entries without the term are left out
     * before any row is read: a head that cannot give the page costs its entries' index, not 400
     * rows ("cia miller" in name order: 3 ms, most of a medium term's typeahead, for nothing).
     * Null when no head applies (the heads off by {@code portal.search.heads}, a descending order or
     * one by creation, no term), or when the matches in the head up to its bound do not fill the
     * page: the page then lies past the head, or filters left too few, or the heads are not built
     * (the view is being rebuilt: {@link SearchHeadsBuilder}).
     */
    <T> List<T> fromHead(String columns, SearchConditions where, Order order, int limit, long offset,
                         RowMapper<T> row) {
        Sort sort = order.heads();
        if (!settings.isHeads() || sort == null) {
            return null;
        }
        List<String> trigrams = new ArrayList<>();
        Map<String, Object> params = new HashMap<>(where.params());
        sort.heads.forEach((term, field) -> {
            if (where.params().containsKey(term)) {
                // an entry of a head in the term's own order has its field's text as key: one without the term is no match
                trigrams.add("select cast(:%1$sHeads as \"char\") as field, trigram, %2$s as key_has from search_trigrams(lower(:%1$s)) as t(trigram)"
                        .formatted(term, term.equals(sort.ownTerm) ? "lower(:" + term + ")" : "cast(null as text)"));
                params.put(term + "Heads", field);
            }
        });
        if (trigrams.isEmpty()) {
            return null;
        }
        // the term typed into the field of the order, and nothing else to check: every entry of the
        // head that has the term is a match, so the page is the first entries that do, and only their
        // rows are read ("son" at a million users: 20 rows instead of the head's 200, 3.5 ms to 1.4)
        boolean entriesAreMatches = ownFieldTerm(where, sort) != null;
        List<T> found = new ArrayList<>();
        boolean[] complete = {false};
        long[] entriesRead = {0};
        jdbc.sql("""
                        with best as (
                            select t.field, t.trigram, t.key_has, b.sort_key, b.user_id
                            from (%1$s) as t
                            left join search_head_bound b on b.field = t.field and b.trigram = t.trigram
                            order by b.sort_key is null desc, b.sort_key desc, b.user_id desc limit 1),
                        entries as (
                            select distinct on (h.sort_key, h.user_id) h.user_id from search_head h join best
                            on h.field = best.field and h.trigram = best.trigram
                            and (best.sort_key is null or (h.sort_key, h.user_id) <= (best.sort_key, best.user_id))
                            and (best.key_has is null or strpos(h.sort_key, best.key_has) <> 0)
                            order by h.sort_key, h.user_id limit :entries)
                        select %2$s, (select best.sort_key is null from best) as head_complete,
                               (select count(*) from entries) as entries_read
                        from user_view u
                        where (select built from search_head_size)
                          and u.user_id in (select user_id from entries)
                          and %3$s
                        order by %4$s limit :needed""".formatted(String.join(" union all ", trigrams), columns,
                        where.sql(), order.columns()))
                .params(params)
                .param("needed", offset + limit)
                // null: no limit, every entry up to the bound
                .param("entries", entriesAreMatches ? offset + limit : null)
                .query(rs -> {
                    complete[0] = rs.getBoolean("head_complete");
                    entriesRead[0] = rs.getLong("entries_read");
                    found.add(row.mapRow(rs, found.size()));
                });
        if (found.size() < offset + limit && !complete[0]) {
            return null;
        }
        if (entriesAreMatches && (found.isEmpty() || found.size() < entriesRead[0])) {
            // an entry whose row does not match after all (the heads promise none): read the page another way
            return null;
        }
        fromHeads.increment();
        return found.subList((int) Math.min(offset, found.size()), found.size());
    }

    /**
     * The column of the one term {@code where} matches on, when nothing else is asked and the term
     * was typed into the field {@code sort} orders by (a sort with heads: by a searched field); else null.
     */
    private static SearchConditions.Column ownFieldTerm(SearchConditions where, Sort sort) {
        SearchConditions.Column column = where.soleTerm();
        return column != null && sort != null && sort.ownTerm.equals(where.termParam(column)) ? column : null;
    }

    private <T> List<T> fromHeadOrSplit(String columns, SearchConditions where, Order order, int limit, long offset,
                                        RowMapper<T> row) {
        List<T> page = fromHead(columns, where, order, limit, offset, row);
        return page != null ? page : splitAtTerm(columns, where, order, limit, offset, row);
    }

    /**
     * At most this many matches of a term that do not start with it are read to split a page at the
     * term ({@link #splitAtTerm}); past it the split gives up.
     */
    static final int LATER_AT_MOST = 2_000;

    /**
     * The split is tried only for a term the sample puts later in at most this many users' keys:
     * half of {@link #LATER_AT_MOST}, as each of the sample's thousand keys stands for a thousandth
     * of the users ("ichard s", put at 2,000 by two sampled keys, had more: 15 ms read for a split
     * given up, at a million users).
     */
    static final int LATER_SAMPLED_AT_MOST = LATER_AT_MOST / 2;

    /**
     * The page of a term typed into the field its order sorts by, split at the term: the matches
     * that start with it are a range of the order's index, read in order and no further than the
     * page needs; those that have it later in the field (rare: "Mary James Jones" for "james jo")
     * come from the trigram index of the key without its first character (db/query V12), and all
     * of them are read and sorted in ({@code portal.search.split}). Two-word names late in name
     * order were the slowest common searches ("JAMES JO", 7,000 matches at a million users, 71 ms):
     * no head held their page, and proving that no earlier name had the term took a read of every
     * match. Null when off, the term is not the one condition, the order not by its field or
     * descending, the field has no such index, the sample puts more than {@link #LATER_SAMPLED_AT_MOST}
     * users' term later in the field or more than {@link #LATER_AT_MOST} are found, or the page lies past every match.
     */
    private <T> List<T> splitAtTerm(String columns, SearchConditions where, Order order, int limit, long offset,
                                    RowMapper<T> row) {
        SearchConditions.Column column = ownFieldTerm(where, order.heads());
        if (!settings.isSplit() || column == null || column.laterKey == null
                || sample.usersLater(column, where.terms().get(column)) > LATER_SAMPLED_AT_MOST) {
            return null;
        }
        long[] later = {0};
        List<T> page = new ArrayList<>();
        jdbc.sql("""
                        with later as materialized (select %1$s, %2$s from user_view u where %3$s limit :laterCap),
                             starting as materialized (select %1$s, %2$s from user_view u where %4$s order by %5$s limit :needed)
                        select %1$s, (select count(*) from later) as later_found
                        from (select * from later union all select * from starting) u
                        order by %6$s limit :limit offset :offset""".formatted(columns, order.keys(),
                        where.laterOnly(column).sql(), where.startingWith(column).sql(), order.columns(), order.byKeys()))
                .params(where.params())
                .param("laterCap", LATER_AT_MOST + 1)
                .param("needed", offset + limit)
                .param("limit", limit)
                .param("offset", offset)
                .query(rs -> {
                    later[0] = rs.getLong("later_found");
                    page.add(row.mapRow(rs, page.size()));
                });
        if (page.isEmpty() || later[0] > LATER_AT_MOST) {
            return null;
        }
        split.increment();
        return page;
    }

    /**
     * Of a term with more matches than the count cap, the {@code columns} of the first {@code limit}
     * after {@code offset} in {@code order}. A walk of the sort's index finds them soonest, unless
     * they gather late in that order (the names that start with "Zor", say): so the walk stops after
     * {@code portal.search.walk} rows, and then every match is read through the trigram index and sorted.
     * A walk the terms are too rare to fill (by the sample's estimate: "robert sm", 0.7% of the users,
     * 14 expected in 2,000 rows for a page of 20) is not tried.
     * (Callers ask {@link #fromHead} first.)
     */
    <T> List<T> firstOfMany(String columns, SearchConditions where, Order order, int limit, long offset,
                            RowMapper<T> row) {
        // a scan of the sampled keys: the typeahead's first estimate; a search of one term estimated
        // it in find() already (a tenth of a millisecond again, before a sort of thousands of rows)
        if (sample.share(where.terms()) * settings.getWalk() >= offset + limit) {
            List<T> found = walk(columns, where, order, limit, offset, row);
            if (found.size() == limit) {
                walked.increment();
                return found;
            }
            missedWalks.increment();
        }
        sorted.increment();
        // only the columns asked for and the order's keys are kept: copying every column of every
        // match took half the time of this sort ("robert sm", 7,089 matches at a million users: 56 ms, 27 ms)
        return jdbc.sql("""
                        with matches as materialized (select %1$s, %2$s from user_view u where %3$s)
                        select %1$s from matches u order by %4$s limit :limit offset :offset""".formatted(columns,
                        order.keys(), where.sql(), order.byKeys()))
                .params(where.params())
                .param("limit", limit)
                .param("offset", offset)
                .query(row)
                .list();
    }

    private <T> List<T> walk(String columns, SearchConditions where, Order order, int limit, long offset,
                             RowMapper<T> row) {
        return jdbc.sql("""
                        select %1$s from (select u.*, %2$s from user_view u order by %3$s limit :walk) u
                        where %4$s order by %5$s limit :limit offset :offset""".formatted(columns, order.keys(),
                        order.columns(), where.sql(), order.byKeys()))
                .params(where.params())
                .param("walk", settings.getWalk())
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
     * the whole index). The connection is told, for the transaction,
     * never to prepare a statement on the server (its unnamed statements are planned for the
     * values bound each time): a setting of the client, where asking the server for custom plans
     * was a round trip of its own on every search and typeahead (0.2 to 3 ms at a million users).
     */
    <T> T customPlans(Supplier<T> queries) {
        return readOnly.execute(status -> {
            PGConnection driver = driver();
            int threshold = driver.getPrepareThreshold();
            driver.setPrepareThreshold(0);
            try {
                return queries.get();
            } finally {
                driver.setPrepareThreshold(threshold);
            }
        });
    }

    /** The transaction's connection, as PostgreSQL's driver (the only one the service runs on). */
    private PGConnection driver() {
        try {
            return DataSourceUtils.getConnection(dataSource).unwrap(PGConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("the search needs PostgreSQL's JDBC driver", e);
        }
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
