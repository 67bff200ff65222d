package io.portalusers.query.users;

import io.portalusers.platform.PeriodicTask;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How common a term and each of its trigrams are among the users' search keys, read from the
 * sample PostgreSQL's {@code analyze} keeps of {@code user_view.name_key} and {@code email_key}
 * (up to 1,000 values each: db/query V9), refreshed every minute. It steers only how a search
 * reads, never what it finds: which part of a term the trigram index is asked for, and whether a
 * common term's walk of a sort index can fill a page at all.
 *
 * <p>Why: a trigram in nearly every key ({@code exa} ... {@code ple} of the shared email domains)
 * has a posting list of nearly every row, and the index intersects every list of the pattern it is
 * given. At a million users "rtup.example" took 48 ms in the index alone, "rtup.e" 13 ms for the
 * same candidates (strpos then decides, on the whole term, as before).
 */
@Component
class SearchKeySample {

    /** A trigram in more than this share of the keys costs the index more than it narrows the candidates. */
    static final double COMMON_TRIGRAM = 0.10;
    /** A run of uncommon trigrams in this share of the keys is worth narrowing with the whole term (see {@link #indexed}). */
    static final double WIDE_RUN = 0.002;
    /** What a candidate row costs (about 6 µs), in entries of a posting list read (about 0.007 µs each). */
    static final double ROW_PER_ENTRIES = 900;
    /** Fewer sampled keys than this (a small view) estimate nothing: every term is read whole, every walk tried. */
    static final int MIN_KEYS = 100;
    /**
     * A count from a random part of a trigram's candidates is tried only for a term the sample puts in
     * this many times the users it must find, and whose rarest trigram's candidates have the term this
     * often at least: else the part would too often hold too few, and the exact count follow anyway.
     */
    static final int SAMPLED_COUNT_MARGIN = 4;
    static final double SAMPLED_COUNT_PRECISION = 0.25;
    /**
     * Nor for a term in more than this share of the keys: the index would still read the whole
     * posting list of its trigram (a million entries for "ample", 10 ms), while the planner's
     * sequential scan meets 1,001 matches within 10,000 rows (2 ms).
     */
    static final double SAMPLED_COUNT_MAX_SHARE = 0.10;

    private final JdbcClient jdbc;
    private volatile Map<SearchConditions.Column, Sample> samples = Map.of();
    /** The view's rows as the last {@code analyze} counted them. */
    private volatile double rows;
    /** How {@code user_search_key} spells each ASCII punctuation character (read from the database). */
    private volatile Map<Integer, Integer> punctuation = Map.of();

    SearchKeySample(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Bean
    static PeriodicTask searchKeySampleRefresh(SearchKeySample sample) {
        return new PeriodicTask("search-key-sample", Duration.ZERO, Duration.ofMinutes(1), sample::refresh);
    }

    /** Reads the sample again; none (a view never analyzed) leaves every term whole. */
    void refresh() {
        if (punctuation.isEmpty()) {
            punctuation = punctuation();
        }
        Map<SearchConditions.Column, Sample> read = new EnumMap<>(SearchConditions.Column.class);
        jdbc.sql("""
                        select s.attname, s.null_frac, s.most_common_vals::text::text[] as common,
                               s.most_common_freqs as frequencies, s.histogram_bounds::text::text[] as bounds
                        from pg_stats s
                        where s.schemaname = current_schema() and s.tablename = 'user_view'
                          and s.attname in ('name_key', 'email_key')""")
                .query(rs -> {
                    SearchConditions.Column column = rs.getString("attname").equals("name_key")
                            ? SearchConditions.Column.NAME : SearchConditions.Column.EMAIL;
                    Sample sample = Sample.of(rs);
                    if (sample.keys().length >= MIN_KEYS) {
                        read.put(column, sample);
                    }
                });
        samples = read;
        rows = jdbc.sql("select coalesce(max(reltuples), 0) from pg_class where oid = to_regclass('user_view')")
                .query(Double.class).single();
    }

    private Map<Integer, Integer> punctuation() {
        StringBuilder ascii = new StringBuilder();
        for (char c = ' '; c <= '~'; c++) {
            if (!Character.isLetterOrDigit(c)) {
                ascii.append(c);
            }
        }
        String keyed = jdbc.sql("select user_search_key(:text)").param("text", ascii.toString())
                .query(String.class).single();
        Map<Integer, Integer> map = new HashMap<>();
        if (keyed.codePointCount(0, keyed.length()) == ascii.length()) {
            int[] to = keyed.codePoints().toArray();
            for (int i = 0; i < ascii.length(); i++) {
                map.put((int) ascii.charAt(i), to[i]);
            }
        }
        return map;
    }

    /**
     * The part of {@code term} (whole code points, at least three) whose trigrams the index should
     * look up: the run of its trigrams none of them common with the rarest trigram in it, or the
     * rarest trigram alone when every one is common; the whole term when the sample knows nothing,
     * or when that run is in many keys and the whole term in far fewer.
     * Any part will do for the results, as every key with the term has each part of it.
     */
    String indexed(SearchConditions.Column column, String term) {
        Sample sample = samples.get(column);
        int[] text = term.codePoints().toArray();
        if (sample == null || text.length <= 3) {
            return term;
        }
        String key = key(text);
        int[] keyed = key.codePoints().toArray();
        double[] share = sample.trigramShares(keyed);
        int trigrams = share.length;
        int rarest = rarest(share);
        if (share[rarest] > COMMON_TRIGRAM) {
            return new String(text, rarest, 3);
        }
        // widen the rarest trigram's run of uncommon ones both ways
        int from = rarest;
        int to = rarest;
        while (from > 0 && share[from - 1] <= COMMON_TRIGRAM) {
            from--;
        }
        while (to < trigrams - 1 && share[to + 1] <= COMMON_TRIGRAM) {
            to++;
        }
        String run = new String(text, from, to - from + 3);
        // A run in many keys of which the whole term is in far fewer: the common trigrams left out
        // would spare more rows read than their posting lists cost. "zorshi+news" (210 users of a
        // million): "hi+n" has 4,200 candidates, 21 ms; the whole term, "+news" in 16% of the
        // emails, 8 ms. Each candidate costs about as much as 900 entries of a posting list.
        // (The run is in no more keys than its rarest trigram: most terms need no scan of the sample.)
        double runShare = share[rarest] < WIDE_RUN ? 0 : sample.share(new String(keyed, from, to - from + 3));
        if (runShare >= WIDE_RUN) {
            double termShare = sample.share(key);
            double leftOut = 0;
            for (int i = 0; i < trigrams; i++) {
                leftOut += i < from || i > to ? share[i] : 0;
            }
            if (termShare <= runShare / 10 && leftOut < ROW_PER_ENTRIES * (runShare - termShare)) {
                return term;
            }
        }
        return run;
    }

    private static int rarest(double[] share) {
        int rarest = 0;
        for (int i = 1; i < share.length; i++) {
            if (share[i] < share[rarest]) {
                rarest = i;
            }
        }
        return rarest;
    }

    /**
     * A random part of the candidates of one trigram of {@code term}, read through the trigram index
     * with PostgreSQL's {@code gin_fuzzy_search_limit} at {@code candidates}, that should hold
     * {@code enough} users with the term (three times over, by the sample): the trigram (code points
     * of the term) and that limit. {@code users} is the sample's estimate of the term ({@link #users}).
     * Null when the sample knows nothing or puts the term in fewer than
     * {@link #SAMPLED_COUNT_MARGIN} times {@code enough} users or in more than
     * {@link #SAMPLED_COUNT_MAX_SHARE} of them, or the trigram's candidates have the term too
     * rarely. Only a count that must reach {@code enough} reads such a part: finding that many
     * proves it, finding fewer proves nothing.
     */
    SampledCount sampledCount(SearchConditions.Column column, String term, long users, long enough) {
        Sample sample = samples.get(column);
        int[] text = term.codePoints().toArray();
        if (sample == null || text.length < 3 || rows <= 0) {
            return null;
        }
        double termShare = users / rows;
        if (users < SAMPLED_COUNT_MARGIN * enough || termShare > SAMPLED_COUNT_MAX_SHARE) {
            return null;
        }
        double[] share = sample.trigramShares(key(text).codePoints().toArray());
        int rarest = rarest(share);
        double precision = Math.min(1, termShare / share[rarest]);
        if (precision < SAMPLED_COUNT_PRECISION) {
            return null;
        }
        return new SampledCount(new String(text, rarest, 3), (int) Math.ceil(3 * enough / precision));
    }

    /** One trigram of a term (as typed) and how many of its candidates the index is to return. */
    record SampledCount(String trigram, int candidates) {
    }

    /** The share of the users whose key has the term, or 1 when the sample knows nothing. */
    double share(SearchConditions.Column column, String term) {
        Sample sample = samples.get(column);
        return sample == null ? 1 : sample.share(key(term.codePoints().toArray()));
    }

    /**
     * How many users have the term after the first character of their key (db/query V12), by the
     * sample; -1 when the sample knows nothing of its column.
     */
    long usersLater(SearchConditions.Column column, String term) {
        Sample sample = samples.get(column);
        return sample == null ? -1 : Math.round(sample.shareLater(key(term.codePoints().toArray())) * rows);
    }

    /**
     * The share of the users that have every one of the terms, at most: that of the least common
     * (1 with none). Other conditions (visibility, filters) are not counted; they only leave fewer.
     */
    double share(Map<SearchConditions.Column, String> terms) {
        double share = 1;
        for (Map.Entry<SearchConditions.Column, String> term : terms.entrySet()) {
            share = Math.min(share, share(term.getKey(), term.getValue()));
        }
        return share;
    }

    /**
     * How many users have the term, by the sample and the view's rows as {@code analyze} counted
     * them; -1 when the sample knows nothing of its column.
     */
    long users(SearchConditions.Column column, String term) {
        return samples.containsKey(column) ? Math.round(share(column, term) * rows) : -1;
    }

    /** {@code user_search_key} of the text, as far as the estimates need: lower case, punctuation as the database spells it. */
    private String key(int[] text) {
        StringBuilder key = new StringBuilder();
        for (int c : text) {
            int lower = Character.toLowerCase(c);
            key.appendCodePoint(punctuation.getOrDefault(lower, lower));
        }
        return key.toString();
    }

    /** Sampled keys with the share of the rows each stands for, and the share of the rows that have each trigram. */
    private record Sample(String[] keys, double[] weights, Map<String, Double> trigrams) {

        static Sample of(ResultSet rs) throws SQLException {
            String[] common = strings(rs.getArray("common"));
            Array frequencies = rs.getArray("frequencies");
            Object[] commonShares = frequencies == null ? new Object[0] : (Object[]) frequencies.getArray();
            String[] bounds = strings(rs.getArray("bounds"));
            double rest = 1 - rs.getDouble("null_frac");
            String[] keys = new String[common.length + bounds.length];
            double[] weights = new double[keys.length];
            for (int i = 0; i < common.length; i++) {
                keys[i] = common[i];
                weights[i] = ((Number) commonShares[i]).doubleValue();
                rest -= weights[i];
            }
            for (int i = 0; i < bounds.length; i++) {
                keys[common.length + i] = bounds[i];
                weights[common.length + i] = Math.max(rest, 0) / bounds.length;
            }
            double total = 0;
            for (double weight : weights) {
                total += weight;
            }
            Map<String, Double> trigrams = new HashMap<>();
            for (int i = 0; i < keys.length; i++) {
                weights[i] = total > 0 ? weights[i] / total : 0;
                int[] key = keys[i].codePoints().toArray();
                Set<String> seen = new HashSet<>();
                for (int at = 0; at + 3 <= key.length; at++) {
                    String trigram = new String(key, at, 3);
                    if (seen.add(trigram)) {
                        trigrams.merge(trigram, weights[i], Double::sum);
                    }
                }
            }
            return new Sample(keys, weights, trigrams);
        }

        private static String[] strings(Array array) throws SQLException {
            return array == null ? new String[0] : (String[]) array.getArray();
        }

        /** The share of the keys with each trigram of {@code keyed} (code points), in order. */
        double[] trigramShares(int[] keyed) {
            double[] share = new double[keyed.length - 2];
            for (int i = 0; i < share.length; i++) {
                share[i] = trigrams.getOrDefault(new String(keyed, i, 3), 0.0);
            }
            return share;
        }

        double shareLater(String key) {
            double share = 0;
            for (int i = 0; i < keys.length; i++) {
                // after the first code point (the sample's keys are mostly ASCII: a char is one)
                if (!keys[i].isEmpty() && keys[i].indexOf(key, Character.charCount(keys[i].codePointAt(0))) >= 0) {
                    share += weights[i];
                }
            }
            return share;
        }

        double share(String key) {
            // no sampled key has a trigram the sample never saw: most rare terms need no scan
            int[] keyed = key.codePoints().toArray();
            for (int at = 0; at + 3 <= keyed.length; at++) {
                if (!trigrams.containsKey(new String(keyed, at, 3))) {
                    return 0;
                }
            }
            double share = 0;
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].contains(key)) {
                    share += weights[i];
                }
            }
            return share;
        }
    }
}
