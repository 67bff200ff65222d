package io.portalusers.query.users;

import io.portalusers.api.user.Membership;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads and writes the rows of {@code user_view} and {@code user_membership_view} a batch of
 * the users processor touches: one query to load them, one multi-row upsert to write them, in the
 * processor's transaction. Plain INSERT/UPDATE/DELETE only, so that statement triggers on
 * these tables see every change.
 *
 * <p>While the view is rebuilt ({@link #tables()}), the batch goes to the tables aside it
 * ({@code user_view_next}, {@code user_membership_view_next}; db/query V10), which are swapped in
 * once the replay is done.
 */
@Component
class UserViewWriter {

    private static final String COLUMNS = """
            user_id, username, email, first_name, last_name, full_name, language, category, account_role, source,
            scheme_id, enabled, activation, created_at, updated_at, version, invitation_id, invitation_status,
            invitation_issued_at, invitation_expires_at""";

    /** One row's parameters in the multi-row insert. */
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** 20 parameters a row: well below the protocol's 65,535 a statement. */
    private static final int ROWS_PER_STATEMENT = 1_000;

    /**
     * A new row, or an existing one brought to a later version. The guard keeps a row that
     * another node already brought further (a claim stolen after its timeout) as it is.
     */
    private static final String ON_CONFLICT = """

            on conflict (user_id) do update set username = excluded.username, email = excluded.email, first_name = excluded.first_name,
                last_name = excluded.last_name, full_name = excluded.full_name, language = excluded.language,
                account_role = excluded.account_role, enabled = excluded.enabled, activation = excluded.activation,
                updated_at = excluded.updated_at, version = excluded.version, invitation_id = excluded.invitation_id,
                invitation_status = excluded.invitation_status, invitation_issued_at = excluded.invitation_issued_at,
                invitation_expires_at = excluded.invitation_expires_at
            where %s.version < excluded.version""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    UserViewWriter(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** The tables a batch reads and writes: the view's, or while it is rebuilt those aside it. */
    record Tables(String users, String memberships) {

        static final Tables VIEW = new Tables("user_view", "user_membership_view");
        static final Tables ASIDE = new Tables("user_view_next", "user_membership_view_next");
    }

    /**
     * The tables this transaction's batch goes to. The rebuild's row is taken for key share: a
     * rebuild's swap (which takes it for update) waits for this transaction, and this transaction
     * for a swap under way, after which it finds no row and writes into the view just swapped in.
     */
    Tables tables() {
        return jdbc.sql("select true from users_view_rebuild for key share").query(Boolean.class).optional().isPresent()
                ? Tables.ASIDE : Tables.VIEW;
    }

    /** The stored rows of these users (without their memberships), by user id. */
    Map<UUID, UserRow> load(Tables tables, Collection<UUID> users) {
        Map<UUID, UserRow> rows = new HashMap<>();
        jdbc.sql("select " + COLUMNS + " from " + tables.users() + " where user_id = any(?)")
                .param(users.toArray(UUID[]::new))
                .query((rs, n) -> row(rs))
                .list()
                .forEach(row -> rows.put(row.userId, row));
        return rows;
    }

    /** Writes the rows, and replaces the memberships of those whose memberships changed and whose row was written. */
    void write(Tables tables, List<UserRow> rows) {
        Set<UUID> written = new HashSet<>();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            written.addAll(upsert(tables, rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT))));
        }
        List<UUID> replaced = new ArrayList<>();
        List<UUID> members = new ArrayList<>();
        List<UUID> organizations = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        for (UserRow row : rows) {
            if (row.memberships != null && written.contains(row.userId)) {
                replaced.add(row.userId);
                for (Membership membership : row.memberships) {
                    members.add(row.userId);
                    organizations.add(membership.organizationId().value());
                    roles.add(membership.role().name());
                }
            }
        }
        if (!replaced.isEmpty()) {
            jdbc.sql("delete from " + tables.memberships() + " where user_id = any(?)")
                    .param(replaced.toArray(UUID[]::new))
                    .update();
        }
        if (!members.isEmpty()) {
            // one statement for the batch: the report counts' statement trigger then runs once, not per row
            jdbc.sql("""
                            insert into %s (user_id, organization_id, org_role)
                            select * from unnest(?::uuid[], ?::uuid[], ?::text[])""".formatted(tables.memberships()))
                    .params(members.toArray(UUID[]::new), organizations.toArray(UUID[]::new),
                            roles.toArray(String[]::new))
                    .update();
        }
    }

    /** One multi-row statement; the users whose row it inserted or updated (not those the guard kept). */
    private List<UUID> upsert(Tables tables, List<UserRow> rows) {
        String sql = "insert into " + tables.users() + " (" + COLUMNS + ") values "
                + String.join(", ", Collections.nCopies(rows.size(), ROW)) + ON_CONFLICT.formatted(tables.users())
                + " returning user_id";
        return template.query(connection -> {
            PreparedStatement ps = connection.prepareStatement(sql);
            int p = 0;
            // typed setters: a null of unknown type would cost Spring a metadata round trip
            for (UserRow row : rows) {
                ps.setObject(++p, row.userId);
                ps.setString(++p, row.username);
                ps.setString(++p, row.email);
                ps.setString(++p, row.firstName);
                ps.setString(++p, row.lastName);
                ps.setString(++p, row.fullName);
                ps.setString(++p, row.language);
                ps.setString(++p, row.category);
                ps.setString(++p, row.accountRole);
                ps.setString(++p, row.source);
                ps.setObject(++p, row.schemeId, Types.OTHER);
                ps.setBoolean(++p, row.enabled);
                ps.setString(++p, row.activation);
                ps.setObject(++p, row.createdAt, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(++p, row.updatedAt, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setLong(++p, row.version);
                ps.setObject(++p, row.invitationId, Types.OTHER);
                ps.setString(++p, row.invitationStatus);
                ps.setObject(++p, row.invitationIssuedAt, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(++p, row.invitationExpiresAt, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            return ps;
        }, (rs, n) -> rs.getObject(1, UUID.class));
    }

    /** Before a replay: empty tables aside the view, into which the replay then goes (db/query V10). */
    void beginRebuild() {
        jdbc.sql("select users_view_rebuild_begin()").query(String.class).single();
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
