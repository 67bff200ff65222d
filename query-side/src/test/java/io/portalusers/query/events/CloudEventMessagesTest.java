package io.portalusers.query.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CloudEvents type of each kind of event, as docs/events.md lists them. */
class CloudEventMessagesTest {

    @Test
    void the_type_is_the_aggregate_and_the_event_in_kebab_case_without_the_aggregates_name_twice() {
        assertThat(CloudEventMessages.type("User", "io.portalusers.api.user.UserCreated"))
                .isEqualTo("io.portalusers.user.created");
        assertThat(CloudEventMessages.type("User", "io.portalusers.api.user.MembershipsChanged"))
                .isEqualTo("io.portalusers.user.memberships-changed");
        assertThat(CloudEventMessages.type("Organization", "io.portalusers.api.organization.AccountPlanChanged"))
                .isEqualTo("io.portalusers.organization.account-plan-changed");
        assertThat(CloudEventMessages.type("AuthenticationScheme", "io.portalusers.api.authscheme.AuthenticationSchemeCreated"))
                .isEqualTo("io.portalusers.authentication-scheme.created");
        assertThat(CloudEventMessages.type("PortalSettingsAggregate", "io.portalusers.api.settings.PortalSettingsChanged"))
                .isEqualTo("io.portalusers.portal-settings.changed");
        assertThat(CloudEventMessages.type("Registration", "io.portalusers.api.registration.DuplicateRegistrationAttempted"))
                .isEqualTo("io.portalusers.registration.duplicate-registration-attempted");
        assertThat(CloudEventMessages.type(null, "io.portalusers.api.user.UserCreated"))
                .isEqualTo("io.portalusers.user-created");
    }

    @Test
    void an_event_stored_under_a_former_name_has_the_type_of_its_current_one() {
        assertThat(CloudEventMessages.type("User", "io.portalusers.api.user.PublisherRoleChanged"))
                .isEqualTo("io.portalusers.user.account-role-changed");
    }
}
