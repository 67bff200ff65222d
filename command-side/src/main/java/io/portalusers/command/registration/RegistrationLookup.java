package io.portalusers.command.registration;

import io.portalusers.api.registration.RegistrationAccepted;
import io.portalusers.api.registration.RegistrationCompleted;
import io.portalusers.api.registration.RegistrationFailed;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * R-REG-1: the organization names of accepted registrations whose organization is not
 * created yet, under a unique constraint, written in the transaction that accepts. Of two
 * requests naming one new organization, the first accepted wins; the other's acceptance
 * rolls back (409, code R-REG-1) and it stays pending.
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
        jdbc.sql("insert into registration_organization_lookup (registration_id, name_key) values (?, ?)")
                .params(event.registrationId().value(), event.organizationName().key())
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
