package io.portalusers.platform.problem;

import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures say the database is out of reach (a 503), however they arrive wrapped, and which do not. */
class DatabaseUnavailableTest {

    private static final SQLTransientConnectionException POOL_TIMEOUT = new SQLTransientConnectionException(
            "HikariPool-1 - Connection is not available, request timed out after 3000ms", "08001",
            new SQLException("Connection to localhost:5432 refused", "08001"));

    @Test
    void no_connection_within_the_pool_timeout_in_a_query_or_a_transaction_or_a_command() {
        assertThat(DatabaseUnavailable.causes(new CannotGetJdbcConnectionException("no connection", POOL_TIMEOUT))).isTrue();
        CannotCreateTransactionException transaction = new CannotCreateTransactionException("no transaction", POOL_TIMEOUT);
        assertThat(DatabaseUnavailable.causes(transaction)).isTrue();
        assertThat(DatabaseUnavailable.causes(new CommandExecutionException("command failed", transaction))).isTrue();
        assertThat(DatabaseUnavailable.causes(new SQLTransientConnectionException("timed out"))).as("without a state").isTrue();
    }

    @Test
    void a_connection_lost_under_a_statement_or_postgresql_shutting_down_or_starting() {
        for (String state : new String[]{"08006", "08003", "57P01", "57P02", "57P03"}) {
            assertThat(DatabaseUnavailable.causes(new IllegalStateException(new SQLException("gone", state)))).as(state).isTrue();
        }
    }

    @Test
    void a_commit_whose_connection_broke_then_a_rollback_on_the_closed_connection() {
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
                new SQLException("Connection is closed"));
        assertThat(DatabaseUnavailable.causes(rollback)).isTrue();
        TransactionSystemException overridden = new TransactionSystemException("rollback failed", new SQLException("other"));
        overridden.initApplicationException(new IllegalStateException(new SQLException("I/O error", "08006")));
        assertThat(DatabaseUnavailable.causes(overridden)).isTrue();
    }

    @Test
    void refusals_timeouts_and_bugs_are_not_an_outage() {
        assertThat(DatabaseUnavailable.causes(new DataIntegrityViolationException("duplicate",
                new SQLException("duplicate key", "23505")))).isFalse();
        assertThat(DatabaseUnavailable.causes(new QueryTimeoutException("cut off",
                new SQLException("canceling statement due to statement timeout", "57014")))).isFalse();
        assertThat(DatabaseUnavailable.causes(new SQLException("syntax", "42601"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new IllegalStateException("bug"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new SQLException("Connection is closed", "XX000"))).isFalse();
    }
}
