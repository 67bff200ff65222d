package io.portalusers.query.users;

import io.portalusers.api.user.Membership;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and writes the rows of {@code user_view} and {@code user_membership_view} a batch of
 * the users processor touches: one query to load them, one JDBC batch to write them, in the
 * processor's transaction. Plain INSERT/UPDATE/DELETE only, so that statement triggers on
 * these tables see every change.
 */
@Component
class UserViewWriter {

    private static final String COLUMNS = """
            user_id, username, email, first_name, last_name, full_name, language, category, account_role, source,
            scheme_id, enabled, activation, created_at, updated_at, version, invitation_id, invitation_status,
            invitation_issued_at, invitation_expires_at""";

    /**
     * A new row, or an existing one brought to a later version. The guard keeps a row that
     * another node already brought further (a stolen claim, AXON-NOTES trap 6) as it is.
     */
    private static final String UPSERT = "insert into user_view (" + COLUMNS + """
            ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            on conflict (user_id) do update set email = excluded.email, first_name = excluded.first_name,
                last_name = excluded.last_name, full_name = excluded.full_name, language = excluded.language,
                account_role = excluded.account_role, enabled = excluded.enabled, activation = excluded.activation,
                updated_at = excluded.updated_at, version = excluded.version, invitation_id = excluded.invitation_id,
                invitation_status = excluded.invitation_status, invitation_issued_at = excluded.invitation_issued_at,
                invitation_expires_at = excluded.invitation_expires_at
            where user_view.version < excluded.version""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    UserViewWriter(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** The stored rows of these users (without their memberships), by user id. */
    Map<UUID, UserRow> load(Collection<UUID> users) {
        Map<UUID, UserRow> rows = new HashMap<>();
        jdbc.sql("select " + COLUMNS + " from user_view where user_id = any(?)")
                .param(users.toArray(UUID[]::new))
                .query((rs, n) -> row(rs))
                .list()
                .forEach(row -> rows.put(row.userId, row));
        return rows;
    }

    /** Writes the rows, and replaces the memberships of those whose memberships changed and whose row was written. */
    void write(List<UserRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        // typed setters: a null of unknown type would cost Spring a metadata round trip per parameter
        int[] written = template.batchUpdate(UPSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                UserRow row = rows.get(i);
                ps.setObject(1, row.userId);
                ps.setString(2, row.username);
                ps.setString(3, row.email);
                ps.setString(4, row.firstName);
                ps.setString(5, row.lastName);
                ps.setString(6, row.fullName);
                ps.setString(7, row.language);
                ps.setString(8, row.category);
                ps.setString(9, row.accountRole);
                ps.setString(10, row.source);
                ps.setObject(11, row.schemeId, Types.OTHER);
                ps.setBoolean(12, row.enabled);
                ps.setString(13, row.activation);
                ps.setObject(14, row.createdAt, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(15, row.updatedAt, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setLong(16, row.version);
                ps.setObject(17, row.invitationId, Types.OTHER);
                ps.setString(18, row.invitationStatus);
                ps.setObject(19, row.invitationIssuedAt, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(20, row.invitationExpiresAt, Types.TIMESTAMP_WITH_TIMEZONE);
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        });
        List<UUID> replaced = new ArrayList<>();
        List<Object[]> memberships = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            UserRow row = rows.get(i);
            if (row.memberships != null && written[i] != 0) {
                replaced.add(row.userId);
                for (Membership membership : row.memberships) {
                    memberships.add(new Object[]{row.userId, membership.organizationId().value(),
                            membership.role().name()});
                }
            }
        }
        if (!replaced.isEmpty()) {
            jdbc.sql("delete from user_membership_view where user_id = any(?)")
                    .param(replaced.toArray(UUID[]::new))
                    .update();
        }
        if (!memberships.isEmpty()) {
            template.batchUpdate("insert into user_membership_view (user_id, organization_id, org_role) values (?, ?, ?)",
                    memberships, new int[]{Types.OTHER, Types.OTHER, Types.VARCHAR});
        }
    }

    /** Before a replay: empties both tables (TRUNCATE, not a DELETE of every row). */
    void truncate() {
        jdbc.sql("truncate user_membership_view, user_view").update();
    }

    private static UserRow row(ResultSet rs) throws SQLException {
        UserRow row = new UserRow(rs.getObject("user_id", UUID.class), rs.getString("username"), rs.getString("email"),
                rs.getString("first_name"), rs.getString("last_name"), rs.getString("full_name"),
                rs.getString("language"), rs.getString("category"), rs.getString("account_role"),
                rs.getString("source"), rs.getObject("scheme_id", UUID.class), rs.getBoolean("enabled"),
                rs.getString("activation"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class), rs.getLong("version"));
        row.invitationId = rs.getObject("invitation_id", UUID.class);
        row.invitationStatus = rs.getString("invitation_status");
        row.invitationIssuedAt = rs.getObject("invitation_issued_at", OffsetDateTime.class);
        row.invitationExpiresAt = rs.getObject("invitation_expires_at", OffsetDateTime.class);
        return row;
    }
}
