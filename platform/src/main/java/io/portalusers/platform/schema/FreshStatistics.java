package io.portalusers.platform.schema;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Analyzes this node's tables that have more than doubled since PostgreSQL last estimated their
 * size, so that no plan stays built for a table that was nearly empty.
 *
 * <p>PostgreSQL keeps a connection's plans (a foreign key's check, a PL/pgSQL function's
 * queries, every prepared statement) until the statistics of a table they read change. A plan
 * made while a new table held a few rows scans it whole for each row, and autovacuum first
 * analyzes a table up to a minute (its nap time) after it fills: a fresh service taking 500
 * creations a second fell tens of seconds behind in that minute, every batch of the users
 * processor reading hundreds of thousands of buffers. Autovacuum's own rule (50 rows plus a
 * tenth of the table changed) takes over once a table is large, where doubling takes long.
 *
 * <p>Only tables this node's database role owns (or is a member of the owner of) are analyzed,
 * those with at least {@code minChanges} rows changed since their last analysis and at least
 * twice as many live rows (plus {@code minChanges}) as the last estimate. Rounds take turns, on
 * one node and across nodes (a session advisory lock): a round chooses its tables after the one
 * before it has analyzed its own, so no table is analyzed twice for one growth.
 */
public final class FreshStatistics {

    private static final Logger log = LoggerFactory.getLogger(FreshStatistics.class);

    private static final String GROWN = """
            select format('%I.%I', s.schemaname, s.relname)
              from pg_stat_user_tables s
              join pg_class c on c.oid = s.relid
             where s.n_mod_since_analyze >= ?
               and s.n_live_tup >= 2 * greatest(c.reltuples, 0) + ?
               and pg_has_role(c.relowner, 'USAGE')
             order by s.n_live_tup desc
            """;

    /** The session advisory lock a round holds (the migrations use 7215180020, the report counts 7215180018). */
    static final long LOCK = 7215180021L;

    private final JdbcTemplate jdbc;
    private final long minChanges;

    public FreshStatistics(JdbcTemplate jdbc, long minChanges) {
        this.jdbc = jdbc;
        this.minChanges = minChanges;
    }

    /** Analyzes each table that grew past its estimate; returns their qualified names. */
    public List<String> analyzeGrown() {
        return jdbc.execute((ConnectionCallback<List<String>>) this::analyzeGrown);
    }

    private List<String> analyzeGrown(Connection connection) throws SQLException {
        execute(connection, "select pg_advisory_lock(" + LOCK + ")");
        try {
            List<String> grown = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(GROWN)) {
                select.setLong(1, minChanges);
                select.setLong(2, minChanges);
                try (ResultSet tables = select.executeQuery()) {
                    while (tables.next()) {
                        grown.add(tables.getString(1));
                    }
                }
            }
            for (String table : grown) {
                // the name comes quoted from format('%I'), never from a caller
                execute(connection, "analyze " + table);
                log.debug("Analyzed {}: it more than doubled since its last analysis", table);
            }
            return grown;
        } finally {
            execute(connection, "select pg_advisory_unlock(" + LOCK + ")");
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
