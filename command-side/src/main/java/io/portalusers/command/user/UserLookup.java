package io.portalusers.command.user;

import io.portalusers.api.UserId;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserErased;
import io.portalusers.api.user.Username;
import io.portalusers.platform.privacy.PersonalDataErasure;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The users' command-side lookup: usernames and emails under unique constraints (R-ADD-6),
 * and the actor table every authorization decision reads. Written in the transaction that
 * appends the events, as every {@code *Lookup} is (a command-side table that the rules read
 * and whose constraints roll a conflicting command back).
 */
@Component
@ProcessingGroup("command-lookups")
class UserLookup {

    /** Memberships as rows, from the parameters {@link #memberships} gives: one statement for any number. */
    private static final String MEMBERSHIPS = "unnest(:organizations::uuid[], :roles::text[]) as m(organization_id, org_role)";

    private final JdbcClient jdbc;
    private final PersonalDataErasure erasure;

    UserLookup(JdbcClient jdbc, PersonalDataErasure erasure) {
        this.jdbc = jdbc;
        this.erasure = erasure;
    }

    /** Whether this user exists with this username and email: a repeated creation, not a conflict. */
    boolean createdAs(UserId user, Username username, EmailAddress email) {
        return jdbc.sql("""
                        select count(*) from username_lookup u join email_lookup e using (user_id)
                        where u.user_id = ? and u.username_key = ? and e.email_key = ?""")
                .params(user.value(), username.key(), email.key())
                .query(Integer.class).single() == 1;
    }

    /**
     * One statement (a round trip instead of four or more, on every creation): each insert reads
     * the row the one before it returned, so the username's constraint is checked before the
     * email's, and a caller whose username and email are both taken hears of the username, as
     * with separate statements. The memberships' foreign key to the actor is checked at the end
     * of the statement, when the actor's row is there.
     */
    @EventHandler
    void on(UserCreated event) {
        jdbc.sql("""
                        with username as (insert into username_lookup (user_id, username_key) values (:id, :username)
                                          returning user_id),
                             email as (insert into email_lookup (user_id, email_key) select user_id, :email from username
                                       returning user_id),
                             actor as (insert into actor (user_id, account_role, source, enabled)
                                       select user_id, :role, :source, true from email
                                       returning user_id)
                        insert into actor_membership (user_id, organization_id, org_role)
                        select a.user_id, m.organization_id, m.org_role from actor a cross join\s""" + MEMBERSHIPS)
                .param("id", event.userId().value())
                .param("username", event.username().key())
                .param("email", event.email().key())
                .param("role", event.accountRole().name())
                .param("source", event.source().name())
                .params(memberships(event.memberships()))
                .update();
    }

    @EventHandler
    void on(UserEmailChanged event) {
        jdbc.sql("update email_lookup set email_key = ? where user_id = ?")
                .params(event.email().key(), event.userId().value()).update();
    }

    @EventHandler
    void on(AccountRoleChanged event) {
        jdbc.sql("update actor set account_role = ? where user_id = ?")
                .params(event.role().name(), event.userId().value()).update();
    }

    @EventHandler
    void on(MembershipsChanged event) {
        jdbc.sql("delete from actor_membership where user_id = ?").param(event.userId().value()).update();
        insertMemberships(event.userId(), event.memberships());
    }

    @EventHandler
    void on(UserEnabled event) {
        setEnabled(event.userId(), true);
    }

    @EventHandler
    void on(UserDisabled event) {
        setEnabled(event.userId(), false);
    }

    /**
     * R-ERASE-1, in the erasure's transaction: the username and email are free again (kept as
     * a hash they would still be the person's data: a hash of a known address is found by
     * trying it), the IdP subject, the pending account and the password go, registrations
     * that became the user stop holding the username; then the platform's part (keys, mail,
     * Idempotency-Key answers).
     */
    @EventHandler
    void on(UserErased event) {
        UUID id = event.userId().value();
        jdbc.sql("delete from username_lookup where user_id = ?").param(id).update();
        jdbc.sql("delete from email_lookup where user_id = ?").param(id).update();
        jdbc.sql("delete from idp_subject_lookup where user_id = ?").param(id).update();
        jdbc.sql("delete from pending_account where user_id = ?").param(id).update();
        jdbc.sql("delete from credential where user_id = ?").param(id).update();
        List<String> subjects = erasure.erase(id);
        jdbc.sql("update registration_organization_lookup set username_key = null where registration_id::text = any(?)")
                .param(subjects.toArray(String[]::new)).update();
    }

    private void setEnabled(UserId user, boolean enabled) {
        jdbc.sql("update actor set enabled = ? where user_id = ?").params(enabled, user.value()).update();
    }

    private void insertMemberships(UserId user, List<Membership> memberships) {
        jdbc.sql("""
                        insert into actor_membership (user_id, organization_id, org_role)
                        select :id, m.organization_id, m.org_role from\s""" + MEMBERSHIPS)
                .param("id", user.value())
                .params(memberships(memberships))
                .update();
    }

    /** The parameters of {@link #MEMBERSHIPS}. */
    private static Map<String, Object> memberships(List<Membership> memberships) {
        return Map.of("organizations", memberships.stream().map(m -> m.organizationId().value()).toArray(UUID[]::new),
                "roles", memberships.stream().map(m -> m.role().name()).toArray(String[]::new));
    }
}
