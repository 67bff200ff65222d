package io.portalusers.platform.problem;

import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are the append bound refusing a COMMIT (a 503 to try again), however they arrive, and which are not. */
class TransactionTooLongTest {

    private static final SQLException REFUSED = new SQLException(
            "event append refused: its transaction was open for 00:00:09 (longer than 3000 ms)", "25P04");

    @Test
    void the_append_bound_refusing_a_commit_directly_or_behind_a_command_or_a_batch() {
        TransactionSystemException commit = new TransactionSystemException("JDBC commit failed", REFUSED);
        assertThat(TransactionTooLong.causes(commit)).isTrue();
        assertThat(TransactionTooLong.causes(new CommandExecutionException("command failed", commit))).isTrue();
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", "XX000", new int[0]);
        batch.setNextException(REFUSED);
        assertThat(TransactionTooLong.causes(new IllegalStateException(batch))).as("a driver's chained exception").isTrue();
    }

    @Test
    void other_failures_of_a_commit_or_a_statement_are_not() {
        assertThat(TransactionTooLong.causes(new TransactionSystemException("JDBC commit failed",
                new SQLException("I/O error", "08006")))).isFalse();
        assertThat(TransactionTooLong.causes(new QueryTimeoutException("cut off",
                new SQLException("canceling statement due to statement timeout", "57014")))).isFalse();
        assertThat(TransactionTooLong.causes(new IllegalStateException("bug"))).isFalse();
    }
}
