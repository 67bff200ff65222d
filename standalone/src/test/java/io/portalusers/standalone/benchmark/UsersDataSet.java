package io.portalusers.standalone.benchmark;

import com.zaxxer.hikari.HikariDataSource;
import io.portalusers.api.OrganizationId;
import io.portalusers.standalone.EventRows;
import io.portalusers.standalone.UserHistories;
import org.axonframework.serialization.Serializer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' users: {@code users} synthetic histories with a realistic skew (a few very
 * common names, a long tail of made-up ones, one dominant email domain; see
 * {@link UserHistories}), in {@code max(10, users / 1,000)} organizations, always from the same
 * seed, so that two benchmarks on as many users search the same names. Either appended as events
 * to the event table (for the users processor to fold), or folded here and written straight into
 * the users view (for a benchmark that only reads it, at a size whose replay would take too long).
 */
public final class UsersDataSet {

    /** The seed of every benchmark's users. */
    public static final long SEED = 20261128;
    /** The number of matches up to which a term is rare; past the service's count cap it is common, in between medium. */
    public static final int RARE_UP_TO = 100;

    private final UserHistories histories;
    private final int organizations;

    /** {@code users} users created over the 30 days before now. */
    public UsersDataSet(int users) {
        this.organizations = Math.max(10, users / 1_000);
        this.histories = new UserHistories(SEED, users, organizations, Instant.now());
    }

    public int users() {
        return histories.users();
    }

    public int organizations() {
        return organizations;
    }

    public UserHistories histories() {
        return histories;
    }

    /**
     * Appends every user's events to the event table (COPY, in Axon's row format, through
     * {@code serializer}), in the order of a live log ({@link UserHistories#log()}); the number of events.
     */
    public long appendEvents(Connection connection, Serializer serializer) throws SQLException {
        EventRows rows = new EventRows(serializer);
        List<EventRows.Event> batch = new ArrayList<>();
        for (EventRows.Event event : histories.log()) {
            batch.add(event);
            if (batch.size() >= 10_000) {
                rows.copy(connection, batch);
                batch.clear();
            }
        }
        rows.copy(connection, batch);
        return (long) histories.users() * UserHistories.EVENTS_PER_USER;
    }

    /** The organizations' view rows, which memberships point to and the per-organization reports read (no events needed). */
    public void insertOrganizations(Connection connection) throws SQLException {
        List<OrganizationId> ids = histories.organizations();
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into organization_view (organization_id, name, account_plan, created_at, updated_at, version)
                values (?, ?, ?, now(), now(), 0) on conflict do nothing""")) {
            for (int i = 0; i < ids.size(); i++) {
                insert.setObject(1, ids.get(i).value());
                insert.setString(2, "Organization %05d".formatted(i));
                insert.setString(3, i % 3 == 0 ? "Gold" : "Silver");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Writes the rows the users projection would end with for these users straight into
     * {@code userTable} and {@code membershipTable} (the users view and its memberships, or copies
     * of them): each user's events folded in memory by B4's baseline, whose rows equal the
     * projection's. No event is appended, so the log does not hold these users.
     */
    public void fillView(Connection connection, String userTable, String membershipTable) throws SQLException {
        Baseline.fill(connection, histories, userTable, membershipTable);
    }

    /** Vacuums and analyzes the tables a search reads, as autovacuum would have by then. */
    public static void vacuumAnalyze(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("vacuum analyze user_view");
            statement.execute("vacuum analyze user_membership_view");
            statement.execute("vacuum analyze organization_view");
        }
    }

    /**
     * A term's kind by its number of matches, as B1 classes them: rare up to {@value #RARE_UP_TO},
     * common when the matches pass the service's count cap (the total is then a lower bound), medium between.
     */
    public static String kind(long matches, boolean capped) {
        return matches <= RARE_UP_TO ? "rare" : capped ? "common" : "medium";
    }

    /** A connection of its own, without the service's statement timeout, batching inserts. */
    public static Connection raw(DataSource dataSource) throws SQLException {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        String url = hikari.getJdbcUrl();
        Connection connection = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                + "reWriteBatchedInserts=true", hikari.getUsername(), hikari.getPassword());
        connection.setAutoCommit(true);
        return connection;
    }
}
