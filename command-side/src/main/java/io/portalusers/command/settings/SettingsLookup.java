package io.portalusers.command.settings;

import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.settings.PortalSettingsChanged;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The current settings, for rules that depend on them (R-ADD-2, R-REG-1), in the command's transaction. */
@Component
@ProcessingGroup("command-lookups")
public class SettingsLookup {

    private final JdbcClient jdbc;

    SettingsLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public PortalSettings current() {
        return jdbc.sql("""
                        select sso_enabled, third_party_registration_enabled, registration_workflow_enabled
                        from settings_lookup where settings_id = ?""")
                .param(PortalSettings.ID)
                .query((rs, n) -> new PortalSettings(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3)))
                .optional()
                .orElse(PortalSettings.DEFAULTS);
    }

    @EventHandler
    void on(PortalSettingsChanged event) {
        PortalSettings s = event.settings();
        jdbc.sql("""
                        insert into settings_lookup (settings_id, sso_enabled, third_party_registration_enabled,
                                                     registration_workflow_enabled)
                        values (?, ?, ?, ?)
                        on conflict (settings_id) do update set
                            sso_enabled = excluded.sso_enabled,
                            third_party_registration_enabled = excluded.third_party_registration_enabled,
                            registration_workflow_enabled = excluded.registration_workflow_enabled""")
                .params(event.settingsId(), s.ssoEnabled(), s.thirdPartyRegistrationEnabled(),
                        s.registrationWorkflowEnabled())
                .update();
    }
}
