package io.portalusers.command.registration;

import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.registration.DuplicateRegistrationNamesReserved;
import io.portalusers.api.registration.RegistrationAccepted;
import io.portalusers.api.registration.RegistrationCompleted;
import io.portalusers.api.registration.RegistrationFailed;
import io.portalusers.api.registration.RegistrationId;
import io.portalusers.api.user.Username;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * R-REG-1: the organization names of accepted registrations whose organization is not
 * created yet, under a unique constraint, written in the transaction that accepts. Of two
 * requests naming one new organization, the first accepted wins; the other's acceptance
 * rolls back (409, code R-REG-1) and it stays pending.
 * <p>
 * R-REG-4: each row holds the registration's username too (not unique; the users' constraint
 * decides between two accepted requests), so that a later registration finds it taken from
 * the acceptance on, not only once the user exists. A registration without the workflow that
 * named an existing user's email or username reserves both here too, with the same
 * statement, and for good (no organization or user is created to take them over), as a
 * fresh one's organization and user keep them.
 */
@Component
@ProcessingGroup("command-lookups")
class RegistrationLookup {

    private final JdbcClient jdbc;

    RegistrationLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(RegistrationAccepted event) {
        reserve(event.registrationId(), event.organizationName(), event.username());
    }

    @EventHandler
    void on(DuplicateRegistrationNamesReserved event) {
        reserve(event.registrationId(), event.organizationName(), event.username());
    }

    /**
     * The reservation, then a second look at the organizations. The approval's check of the name
     * ran before this insert; in between, another registration's whole path may have run (its
     * reservation, its organization created, its reservation released), so the unique
     * constraint alone no longer sees it. Its organization was created before its reservation
     * went, so a look after this insert finds it: then a second row for the name is inserted,
     * which the constraint refuses as it refuses any name taken first (R-REG-1, 409), and the
     * whole acceptance rolls back.
     */
    private void reserve(RegistrationId registration, OrganizationName organizationName, Username username) {
        jdbc.sql("insert into registration_organization_lookup (registration_id, name_key, username_key) values (?, ?, ?)")
                .params(registration.value(), organizationName.key(), username.key())
                .update();
        jdbc.sql("""
                        insert into registration_organization_lookup (registration_id, name_key)
                        select gen_random_uuid(), :key where exists (select 1 from organization_lookup where name_key = :key)""")
                .param("key", organizationName.key())
                .update();
    }

    /** The organization exists now; organization_lookup holds its name. */
    @EventHandler
    void on(RegistrationCompleted event) {
        release(event.registrationId().value());
    }

    @EventHandler
    void on(RegistrationFailed event) {
        release(event.registrationId().value());
    }

    private void release(java.util.UUID registration) {
        jdbc.sql("delete from registration_organization_lookup where registration_id = ?").param(registration).update();
    }
}
