package io.portalusers.standalone;

import io.portalusers.query.users.SearchQueriesProbe;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search's statements are planned for the terms they are run with: within
 * the search's transaction none is prepared on the server (whose generic plan PostgreSQL
 * may keep for every term), however often it runs; outside it the driver prepares a statement
 * from its fifth run, and the connection's setting is as it was.
 */
class SearchCustomPlansTest extends ApiTest {

    @Autowired
    private ApplicationContext context;
    @Autowired
    private TransactionTemplate transactions;
    @Autowired
    private DataSource dataSource;

    /** Runs a statement of its own ten times, then tells whether the session holds it prepared. */
    private boolean preparedAfterTenRuns() {
        String marker = "plans-" + UUID.randomUUID();
        for (int i = 0; i < 10; i++) {
            jdbc.sql("select count(*) from user_view where full_name = :name and '" + marker + "' <> ''")
                    .param("name", marker).query(Long.class).single();
        }
        return jdbc.sql("select count(*) from pg_prepared_statements where statement like :marker")
                .param("marker", "%" + marker + "%").query(Long.class).single() > 0;
    }

    @Test
    void statements_of_a_search_are_never_prepared_on_the_server_and_the_connection_is_left_as_it_was() {
        // one transaction around it all: one connection, the search's transaction taking part in it
        transactions.executeWithoutResult(status -> {
            PGConnection connection = driver();
            int threshold = connection.getPrepareThreshold();
            assertThat(threshold).as("the driver's default").isPositive();
            assertThat(SearchQueriesProbe.customPlans(context, this::preparedAfterTenRuns)).as("within the search").isFalse();
            assertThat(connection.getPrepareThreshold()).as("after it").isEqualTo(threshold);
            assertThat(preparedAfterTenRuns()).as("outside it").isTrue();
        });
    }

    private PGConnection driver() {
        try {
            return DataSourceUtils.getConnection(dataSource).unwrap(PGConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
