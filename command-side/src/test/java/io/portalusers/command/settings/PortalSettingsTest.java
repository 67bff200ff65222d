package io.portalusers.command.settings;

import io.portalusers.api.settings.ChangePortalSettings;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.settings.PortalSettingsChanged;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;

class PortalSettingsTest {

    private static final PortalSettings SSO_ON = new PortalSettings(true, false, false);
    private static final PortalSettings REGISTRATION_WITH_WORKFLOW = new PortalSettings(false, true, true);

    private AggregateTestFixture<PortalSettingsAggregate> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PortalSettingsAggregate.class);
        CommandFixtures.register(fixture);
    }

    @Test
    void R_SET_1_a_portal_admin_sets_the_switches_of_a_fresh_install() {
        fixture.givenNoPriorActivity()
                .when(new ChangePortalSettings(SSO_ON, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new PortalSettingsChanged(PortalSettings.ID, SSO_ON))
                .expectResultMessagePayload(0L);
    }

    @Test
    void R_SET_1_a_portal_admin_changes_them_again() {
        fixture.given(new PortalSettingsChanged(PortalSettings.ID, SSO_ON))
                .when(new ChangePortalSettings(REGISTRATION_WITH_WORKFLOW, 0L), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new PortalSettingsChanged(PortalSettings.ID, REGISTRATION_WITH_WORKFLOW))
                .expectResultMessagePayload(1L);
    }

    @Test
    void R_SET_1_setting_what_is_already_set_appends_nothing() {
        fixture.given(new PortalSettingsChanged(PortalSettings.ID, SSO_ON))
                .when(new ChangePortalSettings(SSO_ON, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectNoEvents()
                .expectResultMessagePayload(0L);
    }

    @Test
    void R_SET_1_a_change_based_on_settings_read_before_another_change_is_stale() {
        fixture.given(new PortalSettingsChanged(PortalSettings.ID, SSO_ON),
                        new PortalSettingsChanged(PortalSettings.ID, REGISTRATION_WITH_WORKFLOW))
                .when(new ChangePortalSettings(SSO_ON, 0L), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(ConflictingAggregateVersionException.class)
                .expectNoEvents();
    }

    @Test
    void R_SET_1_a_change_based_on_the_current_settings_is_made() {
        fixture.given(new PortalSettingsChanged(PortalSettings.ID, SSO_ON),
                        new PortalSettingsChanged(PortalSettings.ID, REGISTRATION_WITH_WORKFLOW))
                .when(new ChangePortalSettings(SSO_ON, 1L), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new PortalSettingsChanged(PortalSettings.ID, SSO_ON))
                .expectResultMessagePayload(2L);
    }

    static Stream<Actor> notPortalAdmins() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.ORG_ADMIN, CommandFixtures.DEVELOPER);
    }

    @ParameterizedTest
    @MethodSource("notPortalAdmins")
    void R_SET_1_nobody_else_changes_the_settings(Actor actor) {
        fixture.given(new PortalSettingsChanged(PortalSettings.ID, SSO_ON))
                .when(new ChangePortalSettings(REGISTRATION_WITH_WORKFLOW, null), by(actor))
                .expectException(refusedBy("R-SET-1"))
                .expectNoEvents();
    }

    @Test
    void R_STATE_1_a_disabled_portal_admin_acts_no_more() {
        fixture.givenNoPriorActivity()
                .when(new ChangePortalSettings(SSO_ON, null), by(CommandFixtures.DISABLED_PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }
}
