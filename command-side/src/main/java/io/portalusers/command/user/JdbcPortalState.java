package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.UserId;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.command.organization.OrganizationLookup;
import io.portalusers.command.settings.SettingsLookup;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

@Component
class JdbcPortalState implements PortalState {

    private final JdbcClient jdbc;
    private final SettingsLookup settings;
    private final OrganizationLookup organizations;

    JdbcPortalState(JdbcClient jdbc, SettingsLookup settings, OrganizationLookup organizations) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.organizations = organizations;
    }

    @Override
    public boolean ssoEnabled() {
        return settings.current().ssoEnabled();
    }

    @Override
    public boolean organizationExists(OrganizationId organization) {
        return organizations.exists(organization);
    }

    @Override
    public Optional<AuthorizationType> authorizationTypeOf(SchemeId scheme) {
        return jdbc.sql("select authorization_type from scheme_lookup where scheme_id = ?")
                .param(scheme.value())
                .query((rs, n) -> AuthorizationType.valueOf(rs.getString(1)))
                .optional();
    }

    @Override
    public Set<UserId> lockEnabledPortalAdmins() {
        return new HashSet<>(jdbc.sql("""
                        select user_id from actor
                        where account_role = 'PORTAL_ADMIN' and enabled
                        order by user_id
                        for update""")
                .query((rs, n) -> new UserId(rs.getObject(1, UUID.class)))
                .list());
    }
}
