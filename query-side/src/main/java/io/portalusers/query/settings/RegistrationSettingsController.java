package io.portalusers.query.settings;

import io.portalusers.api.settings.PortalSettings;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a visitor's sign-up page needs of the settings, for anyone: whether third-party
 * registration is open (R-REG-1), and whether a request waits for a Portal Admin's approval
 * (R-REG-2). Nothing else of the settings; both are what any visitor learns by submitting.
 */
@RestController
class RegistrationSettingsController {

    static final String PATH = "/api/settings/registration";

    private final JdbcClient jdbc;

    RegistrationSettingsController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record RegistrationSettings(boolean thirdPartyRegistrationEnabled, boolean registrationWorkflowEnabled) {
    }

    @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    RegistrationSettings get() {
        PortalSettings defaults = PortalSettings.DEFAULTS;
        return jdbc.sql("""
                        select third_party_registration_enabled, registration_workflow_enabled
                        from settings_view where settings_id = ?""")
                .param(PortalSettings.ID)
                .query((rs, n) -> new RegistrationSettings(rs.getBoolean(1), rs.getBoolean(2)))
                .optional()
                .orElse(new RegistrationSettings(defaults.thirdPartyRegistrationEnabled(),
                        defaults.registrationWorkflowEnabled()));
    }
}
