package io.portalusers.query.users;

import org.springframework.context.ApplicationContext;

import java.util.function.Supplier;

/** The node's search queries, as the search runs them, for tests outside the package. */
public final class SearchQueriesProbe {

    private SearchQueriesProbe() {
    }

    /** Runs {@code work} as a search runs its queries: in its transaction, planned for the values bound. */
    public static <T> T customPlans(ApplicationContext context, Supplier<T> work) {
        return context.getBean(SearchQueries.class).customPlans(work);
    }
}
