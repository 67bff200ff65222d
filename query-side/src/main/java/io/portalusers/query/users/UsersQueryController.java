package io.portalusers.query.users;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserSource;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.web.Versions;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One user as the projection has it. Who may read it follows R-SEARCH-4: a Portal Admin
 * reads everyone, an Org Admin the users of the organizations it administers, and anyone
 * their own account. Any other user is answered as if it did not exist. Of a user it reads,
 * an Org Admin sees the memberships in its organizations only (R-SEARCH-5).
 */
@RestController
class UsersQueryController {

    private final JdbcClient jdbc;

    UsersQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record UserView(UUID id, String username, String email, String firstName, String lastName, String language,
                    UserCategory category, Role role, List<Membership> memberships, boolean enabled,
                    String activation, Invitation invitation, UserSource source, UUID schemeId, Instant createdAt,
                    Instant updatedAt, long version) {

        /** The user as {@code scope}'s reader sees it: without the memberships it may not see (R-SEARCH-5). */
        UserView seenBy(ReaderScope scope) {
            List<Membership> shown = scope.memberships(id, memberships);
            return shown.size() == memberships.size() ? this : new UserView(id, username, email, firstName, lastName,
                    language, category, role, shown, enabled, activation, invitation, source, schemeId, createdAt,
                    updatedAt, version);
        }
    }

    /**
     * The columns of the latest invitation's email ({@code delivery_*}), for a query that joins
     * {@code mail_outbox d} on the user's invitation.
     */
    static final String DELIVERY_COLUMNS = "d.status as delivery_status, d.attempts as delivery_attempts,"
            + " d.sent_at as delivery_sent_at, d.failed_at as delivery_failed_at";
    static final String DELIVERY_JOIN = " left join mail_outbox d on d.invitation_id = u.invitation_id ";

    /**
     * The email of the latest invitation: PENDING (not sent yet, or being retried after
     * {@code attempts} failed tries), SENT, FAILED for good, or SUPERSEDED (replaced or voided
     * before it could go); null until the notifier has taken it up.
     */
    record Delivery(String status, int attempts, Instant sentAt, Instant failedAt) {

        static Delivery of(ResultSet rs) throws SQLException {
            String status = rs.getString("delivery_status");
            return status == null ? null : new Delivery(status, rs.getInt("delivery_attempts"),
                    instant(rs.getTimestamp("delivery_sent_at")), instant(rs.getTimestamp("delivery_failed_at")));
        }

        private static Instant instant(java.sql.Timestamp at) {
            return at == null ? null : at.toInstant();
        }
    }

    /**
     * The latest activation invitation: ISSUED, EXPIRED (issued, past its deadline), USED or
     * REVOKED, and what became of its email.
     */
    record Invitation(String status, Instant issuedAt, Instant expiresAt, Delivery delivery) {

        static Invitation of(ResultSet rs) throws SQLException {
            String status = rs.getString("invitation_status");
            if (status == null) {
                return null;
            }
            Instant expiresAt = rs.getTimestamp("invitation_expires_at").toInstant();
            boolean expired = "ISSUED".equals(status) && !Instant.now().isBefore(expiresAt);
            return new Invitation(expired ? "EXPIRED" : status, rs.getTimestamp("invitation_issued_at").toInstant(),
                    expiresAt, Delivery.of(rs));
        }
    }

    @GetMapping(path = "/api/users/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<UserView> get(Actor actor, @PathVariable UUID id) {
        // One statement, so that the memberships are those of the version read.
        UserView view = jdbc.sql("""
                        select u.*, %s, m.organization_id, m.org_role
                        from user_view u %s left join user_membership_view m on m.user_id = u.user_id
                        where u.user_id = ? order by m.organization_id""".formatted(DELIVERY_COLUMNS, DELIVERY_JOIN))
                .param(id)
                .query(UsersQueryController::users)
                .stream().findFirst()
                .filter(user -> mayRead(actor, user))
                .map(user -> user.seenBy(ReaderScope.of(actor)))
                .orElseThrow(() -> new NotFoundException("no such user"));
        return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(view);
    }

    private static boolean mayRead(Actor actor, UserView user) {
        if (actor.isPortalAdmin() || actor.userId().value().equals(user.id())) {
            return true;
        }
        Set<OrganizationId> administered = actor.administeredOrganizations();
        return user.memberships().stream().anyMatch(m -> administered.contains(m.organizationId()));
    }

    /**
     * The users of rows that join {@code user_view} (all columns) with its invitation's
     * {@linkplain #DELIVERY_COLUMNS delivery} and its memberships
     * ({@code organization_id}, {@code org_role}, null without any), one user's rows
     * together, in the order of the rows.
     */
    static List<UserView> users(ResultSet rs) throws SQLException {
        List<UserView> users = new ArrayList<>();
        UserView user = null;
        while (rs.next()) {
            UUID id = rs.getObject("user_id", UUID.class);
            if (user == null || !user.id().equals(id)) {
                user = new UserView(id, rs.getString("username"),
                        rs.getString("email"), rs.getString("first_name"), rs.getString("last_name"),
                        rs.getString("language"), UserCategory.valueOf(rs.getString("category")),
                        Role.valueOf(rs.getString("account_role")), new ArrayList<>(), rs.getBoolean("enabled"),
                        rs.getString("activation"), Invitation.of(rs), UserSource.valueOf(rs.getString("source")),
                        rs.getObject("scheme_id", UUID.class), rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("updated_at").toInstant(), rs.getLong("version"));
                users.add(user);
            }
            UUID organization = rs.getObject("organization_id", UUID.class);
            if (organization != null) {
                user.memberships().add(
                        new Membership(new OrganizationId(organization), Role.valueOf(rs.getString("org_role"))));
            }
        }
        return users;
    }
}
