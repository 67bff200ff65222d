package io.portalusers.query.settings;

import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.settings.PortalSettingsChanged;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.ZoneOffset;

@Component
@ProcessingGroup("settings")
class SettingsProjection {

    private final JdbcClient jdbc;

    SettingsProjection(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(PortalSettingsChanged event, @SequenceNumber long version, @Timestamp Instant at) {
        PortalSettings s = event.settings();
        jdbc.sql("""
                        insert into settings_view (settings_id, sso_enabled, third_party_registration_enabled,
                                                   registration_workflow_enabled, updated_at, version)
                        values (?, ?, ?, ?, ?, ?)
                        on conflict (settings_id) do update set
                            sso_enabled = excluded.sso_enabled,
                            third_party_registration_enabled = excluded.third_party_registration_enabled,
                            registration_workflow_enabled = excluded.registration_workflow_enabled,
                            updated_at = excluded.updated_at,
                            version = excluded.version
                        where settings_view.version < excluded.version""")
                .params(event.settingsId(), s.ssoEnabled(), s.thirdPartyRegistrationEnabled(),
                        s.registrationWorkflowEnabled(), at.atOffset(ZoneOffset.UTC), version)
                .update();
    }

    @ResetHandler
    void reset() {
        jdbc.sql("delete from settings_view").update();
    }
}
