package io.portalusers.command.registration;

import io.portalusers.api.UserId;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Username;
import io.portalusers.command.settings.SettingsLookup;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

@Component
class JdbcRegistrationChecks implements RegistrationChecks {

    private final JdbcClient jdbc;
    private final SettingsLookup settings;

    JdbcRegistrationChecks(JdbcClient jdbc, SettingsLookup settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @Override
    public PortalSettings settings() {
        return settings.current();
    }

    @Override
    public boolean organizationNameTaken(OrganizationName name) {
        return jdbc.sql("""
                        select exists (select 1 from organization_lookup where name_key = :key)
                            or exists (select 1 from registration_organization_lookup where name_key = :key)""")
                .param("key", name.key())
                .query(Boolean.class)
                .single();
    }

    @Override
    public Optional<UserId> userWithEmail(EmailAddress email) {
        return jdbc.sql("select user_id from email_lookup where email_key = ?")
                .param(email.key())
                .query((rs, n) -> new UserId(rs.getObject(1, UUID.class)))
                .optional();
    }

    @Override
    public Optional<UserId> userWithUsername(Username username) {
        return jdbc.sql("select user_id from username_lookup where username_key = ?")
                .param(username.key())
                .query((rs, n) -> new UserId(rs.getObject(1, UUID.class)))
                .optional();
    }

    @Override
    public boolean usernameReserved(Username username) {
        return jdbc.sql("select exists (select 1 from registration_organization_lookup where username_key = ?)")
                .param(username.key())
                .query(Boolean.class)
                .single();
    }
}
