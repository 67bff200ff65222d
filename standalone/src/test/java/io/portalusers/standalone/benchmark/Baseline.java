package io.portalusers.standalone.benchmark;

import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.platform.axon.RenamedEvents;
import io.portalusers.standalone.EventRows;
import io.portalusers.standalone.UserHistories;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * B4's baseline: what a rebuild costs without a framework. A keyset read of the event table,
 * the same deserialization, a fold of each user's events in memory, and a batched upsert of
 * the final rows into copies of the users view (with all its indexes). Folds exactly as the
 * users projection does, so that the rows can be compared. The same fold fills the users view
 * of a benchmark that only reads it, straight from generated histories ({@link #fill}).
 */
final class Baseline {

    private static final int PAGE = 10_000;
    private static final int UPSERT_BATCH = 1_000;

    private Baseline() {
    }

    /** One user's row as it ends. */
    private static final class Row {
        UUID id;
        String username;
        String email;
        String firstName;
        String lastName;
        String fullName;
        String language;
        String category;
        String accountRole;
        String source;
        UUID schemeId;
        boolean enabled = true;
        String activation = "PENDING";
        OffsetDateTime createdAt;
        OffsetDateTime updatedAt;
        long version;
        UUID invitationId;
        String invitationStatus;
        OffsetDateTime invitationIssuedAt;
        OffsetDateTime invitationExpiresAt;
        List<Membership> memberships = List.of();

        void revokeInvitation() {
            if ("ISSUED".equals(invitationStatus)) {
                invitationStatus = "REVOKED";
            }
        }
    }

    static void rebuild(Connection connection, Serializer serializer) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("drop table if exists bench_user_membership_view, bench_user_view");
            statement.execute("create table bench_user_view (like user_view including all)");
            statement.execute("create table bench_user_membership_view (like user_membership_view including all)");
        }
        Map<UUID, Row> rows = new HashMap<>();
        long after = -1;
        try (PreparedStatement read = connection.prepareStatement("""
                select globalindex, type, sequencenumber, payloadtype, payloadrevision, payload, timestamp
                from domainevententry where globalindex > ? order by globalindex limit ?""")) {
            while (true) {
                read.setLong(1, after);
                read.setInt(2, PAGE);
                int read_ = 0;
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        read_++;
                        after = rs.getLong(1);
                        if (!"User".equals(rs.getString(2))) {
                            continue;
                        }
                        // an event stored under a class's former name reads as the class it has now, as through Axon
                        Object event = serializer.deserialize(new SimpleSerializedObject<>(rs.getBytes(6), byte[].class,
                                RenamedEvents.currentName(rs.getString(4)), rs.getString(5)));
                        fold(rows, event, rs.getLong(3), utc(DateTimeUtils.parseInstant(rs.getString(7))));
                    }
                }
                if (read_ < PAGE) {
                    break;
                }
            }
        }
        upsert(connection, rows);
    }

    /** Users folded this many at a time, so that a million of them are never held at once. */
    private static final int FILL_CHUNK = 10_000;

    /**
     * The rows the users projection ends with for every user of {@code histories}, folded from
     * their events in memory as {@link #rebuild} folds them from the event table (each event at
     * its time as the event table keeps it, to the millisecond), and written straight into
     * {@code userTable} and {@code membershipTable}; no event is stored. Every user first, then,
     * with fresh statistics for the foreign key's check of each membership, the memberships.
     */
    static void fill(Connection connection, UserHistories histories, String userTable, String membershipTable)
            throws SQLException {
        for (int from = 0; from < histories.users(); from += FILL_CHUNK) {
            upsert(connection, folded(histories, from).values(), userTable, null);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("analyze " + userTable);
        }
        for (int from = 0; from < histories.users(); from += FILL_CHUNK) {
            upsert(connection, folded(histories, from).values(), null, membershipTable);
        }
    }

    private static Map<UUID, Row> folded(UserHistories histories, int from) {
        Map<UUID, Row> rows = new LinkedHashMap<>();
        for (int user = from; user < Math.min(histories.users(), from + FILL_CHUNK); user++) {
            for (EventRows.Event event : histories.history(user)) {
                fold(rows, event.payload(), event.sequence(),
                        utc(DateTimeUtils.parseInstant(DateTimeUtils.formatInstant(event.at()))));
            }
        }
        return rows;
    }

    private static void fold(Map<UUID, Row> rows, Object event, long version, OffsetDateTime at) {
        if (event instanceof UserCreated created) {
            if (rows.containsKey(created.userId().value())) {
                return;
            }
            Row row = new Row();
            row.id = created.userId().value();
            row.username = created.username().value();
            row.email = created.email().value();
            row.firstName = created.name().firstName();
            row.lastName = created.name().lastName();
            row.fullName = created.name().fullName();
            row.language = created.language().tag();
            row.category = created.category().name();
            row.accountRole = created.accountRole().name();
            row.source = created.source().name();
            row.schemeId = created.schemeId() == null ? null : created.schemeId().value();
            row.createdAt = at;
            row.updatedAt = at;
            row.version = version;
            row.memberships = created.memberships();
            rows.put(row.id, row);
            return;
        }
        UUID user = userOf(event);
        Row row = user == null ? null : rows.get(user);
        if (row == null || row.version >= version) {
            return;
        }
        if (event instanceof UserNameChanged e) {
            row.firstName = e.name().firstName();
            row.lastName = e.name().lastName();
            row.fullName = e.name().fullName();
        } else if (event instanceof UserEmailChanged e) {
            row.email = e.email().value();
            row.revokeInvitation();
        } else if (event instanceof UserLanguageChanged e) {
            row.language = e.language().tag();
        } else if (event instanceof AccountRoleChanged e) {
            row.accountRole = e.role().name();
        } else if (event instanceof MembershipsChanged e) {
            row.memberships = e.memberships();
        } else if (event instanceof UserEnabled) {
            row.enabled = true;
        } else if (event instanceof UserDisabled) {
            row.enabled = false;
            row.revokeInvitation();
        } else if (event instanceof InvitationIssued e) {
            row.invitationId = e.invitationId().value();
            row.invitationStatus = "ISSUED";
            row.invitationIssuedAt = at;
            row.invitationExpiresAt = utc(e.expiresAt());
        } else if (event instanceof UserActivated) {
            row.activation = "ACTIVE";
            row.invitationStatus = "USED";
        }
        row.updatedAt = at;
        row.version = version;
    }

    private static UUID userOf(Object event) {
        if (event instanceof UserNameChanged e) {
            return e.userId().value();
        } else if (event instanceof UserEmailChanged e) {
            return e.userId().value();
        } else if (event instanceof UserLanguageChanged e) {
            return e.userId().value();
        } else if (event instanceof AccountRoleChanged e) {
            return e.userId().value();
        } else if (event instanceof MembershipsChanged e) {
            return e.userId().value();
        } else if (event instanceof UserEnabled e) {
            return e.userId().value();
        } else if (event instanceof UserDisabled e) {
            return e.userId().value();
        } else if (event instanceof InvitationIssued e) {
            return e.userId().value();
        } else if (event instanceof UserActivated e) {
            return e.userId().value();
        }
        return null;
    }

    private static void upsert(Connection connection, Map<UUID, Row> rows) throws SQLException {
        upsert(connection, rows.values(), "bench_user_view", "bench_user_membership_view");
    }

    /**
     * The rows into {@code userTable} and their memberships into {@code membershipTable}, batch by batch
     * (either table may be null: that part is left out).
     */
    private static void upsert(Connection connection, Collection<Row> rows, String userTable, String membershipTable)
            throws SQLException {
        try (PreparedStatement user = userTable == null ? null : connection.prepareStatement("""
                insert into %s (user_id, username, email, first_name, last_name, full_name, language,
                    category, account_role, source, scheme_id, enabled, activation, created_at, updated_at, version,
                    invitation_status, invitation_issued_at, invitation_expires_at, invitation_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (user_id) do update set username = excluded.username, email = excluded.email,
                    first_name = excluded.first_name, last_name = excluded.last_name, full_name = excluded.full_name,
                    language = excluded.language, category = excluded.category, account_role = excluded.account_role,
                    source = excluded.source, scheme_id = excluded.scheme_id, enabled = excluded.enabled,
                    activation = excluded.activation, created_at = excluded.created_at, updated_at = excluded.updated_at,
                    version = excluded.version, invitation_status = excluded.invitation_status,
                    invitation_issued_at = excluded.invitation_issued_at,
                    invitation_expires_at = excluded.invitation_expires_at, invitation_id = excluded.invitation_id"""
                .formatted(userTable));
             PreparedStatement membership = membershipTable == null ? null : connection.prepareStatement("""
                insert into %s (user_id, organization_id, org_role) values (?, ?, ?)
                on conflict (user_id, organization_id) do update set org_role = excluded.org_role"""
                .formatted(membershipTable))) {
            int batched = 0;
            for (Row row : rows) {
                if (user != null) {
                    user.setObject(1, row.id);
                    user.setString(2, row.username);
                    user.setString(3, row.email);
                    user.setString(4, row.firstName);
                    user.setString(5, row.lastName);
                    user.setString(6, row.fullName);
                    user.setString(7, row.language);
                    user.setString(8, row.category);
                    user.setString(9, row.accountRole);
                    user.setString(10, row.source);
                    user.setObject(11, row.schemeId);
                    user.setBoolean(12, row.enabled);
                    user.setString(13, row.activation);
                    user.setObject(14, row.createdAt);
                    user.setObject(15, row.updatedAt);
                    user.setLong(16, row.version);
                    user.setString(17, row.invitationStatus);
                    user.setObject(18, row.invitationIssuedAt);
                    user.setObject(19, row.invitationExpiresAt);
                    user.setObject(20, row.invitationId);
                    user.addBatch();
                }
                if (membership != null) {
                    for (Membership m : row.memberships) {
                        membership.setObject(1, row.id);
                        membership.setObject(2, m.organizationId().value());
                        membership.setString(3, m.role().name());
                        membership.addBatch();
                    }
                }
                if (++batched == UPSERT_BATCH) {
                    execute(user, membership);
                    batched = 0;
                }
            }
            execute(user, membership);
        }
    }

    private static void execute(PreparedStatement user, PreparedStatement membership) throws SQLException {
        if (user != null) {
            user.executeBatch();
        }
        if (membership != null) {
            membership.executeBatch();
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
