package io.portalusers.query.settings;

import io.portalusers.api.settings.PortalSettings;
import io.portalusers.platform.web.Versions;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;

/** The portal settings; a fresh install that never changed them reads the defaults at version -1. */
@RestController
class SettingsQueryController {

    private final JdbcClient jdbc;

    SettingsQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record SettingsView(boolean ssoEnabled, boolean thirdPartyRegistrationEnabled,
                        boolean registrationWorkflowEnabled, Instant updatedAt, long version) {
    }

    @GetMapping(path = "/api/settings", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SettingsView> get() {
        PortalSettings defaults = PortalSettings.DEFAULTS;
        SettingsView view = jdbc.sql("""
                        select sso_enabled, third_party_registration_enabled, registration_workflow_enabled,
                               updated_at, version
                        from settings_view where settings_id = ?""")
                .param(PortalSettings.ID)
                .query((rs, n) -> new SettingsView(rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3),
                        rs.getTimestamp(4).toInstant(), rs.getLong(5)))
                .optional()
                .orElse(new SettingsView(defaults.ssoEnabled(), defaults.thirdPartyRegistrationEnabled(),
                        defaults.registrationWorkflowEnabled(), null, -1));
        ResponseEntity.BodyBuilder response = ResponseEntity.ok();
        if (view.version() >= 0) {
            response.eTag(Versions.etag(view.version()));
        }
        return response.body(view);
    }
}
