package io.portalusers.query.users;

import org.springframework.context.ApplicationContext;

/** The node's sample of the search keys, as the search reads it, for tests outside the package. */
public final class SearchKeySampleProbe {

    private final SearchKeySample sample;

    private SearchKeySampleProbe(SearchKeySample sample) {
        this.sample = sample;
    }

    public static SearchKeySampleProbe of(ApplicationContext context) {
        return new SearchKeySampleProbe(context.getBean(SearchKeySample.class));
    }

    public void refresh() {
        sample.refresh();
    }

    /** {@code field} "name" or "email". */
    public String indexed(String field, String term) {
        return sample.indexed(column(field), term);
    }

    public double share(String field, String term) {
        return sample.share(column(field), term);
    }

    /** How many of a trigram's candidates a count that must find {@code enough} reads, or 0 for the exact count. */
    public int sampledCandidates(String field, String term, long enough) {
        SearchKeySample.SampledCount part = sample.sampledCount(column(field), term,
                sample.users(column(field), term), enough);
        return part == null ? 0 : part.candidates();
    }

    private static SearchConditions.Column column(String field) {
        return field.equals("name") ? SearchConditions.Column.NAME : SearchConditions.Column.EMAIL;
    }
}
