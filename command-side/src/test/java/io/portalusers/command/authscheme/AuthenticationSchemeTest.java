package io.portalusers.command.authscheme;

import io.portalusers.api.SchemeId;
import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthenticationSchemeChanged;
import io.portalusers.api.authscheme.AuthenticationSchemeCreated;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.authscheme.ChangeAuthenticationScheme;
import io.portalusers.api.authscheme.CreateAuthenticationScheme;
import io.portalusers.api.authscheme.SchemeName;
import io.portalusers.api.user.Role;
import io.portalusers.command.CommandFixtures;
import io.portalusers.platform.actor.Actor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static io.portalusers.command.CommandFixtures.by;
import static io.portalusers.command.CommandFixtures.refusedBy;

class AuthenticationSchemeTest {

    private static final SchemeId ID = SchemeId.random();
    private static final SchemeName NAME = SchemeName.of("Corporate SAML");
    private static final AttributeMappings MAPPINGS = new AttributeMappings("org", "group",
            Map.of("devs", Role.DEVELOPER, "admins", Role.ORG_ADMIN, "owners", Role.API_OWNER));

    private AggregateTestFixture<AuthenticationScheme> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(AuthenticationScheme.class);
        CommandFixtures.register(fixture);
    }

    @Test
    void R_AUTH_1_a_portal_admin_creates_a_scheme_with_its_mappings_and_authorization_type() {
        fixture.givenNoPriorActivity()
                .when(new CreateAuthenticationScheme(ID, NAME, MAPPINGS, AuthorizationType.IDP), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new AuthenticationSchemeCreated(ID, NAME, MAPPINGS, AuthorizationType.IDP));
    }

    @Test
    void R_AUTH_1_switching_a_scheme_to_portal_authorization_is_an_event() {
        fixture.given(new AuthenticationSchemeCreated(ID, NAME, MAPPINGS, AuthorizationType.IDP))
                .when(new ChangeAuthenticationScheme(ID, NAME, MAPPINGS, AuthorizationType.PORTAL, 0L),
                        by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new AuthenticationSchemeChanged(ID, NAME, MAPPINGS, AuthorizationType.PORTAL))
                .expectResultMessagePayload(1L);
    }

    @Test
    void an_unchanged_scheme_appends_nothing() {
        fixture.given(new AuthenticationSchemeCreated(ID, NAME, MAPPINGS, AuthorizationType.IDP))
                .when(new ChangeAuthenticationScheme(ID, NAME, MAPPINGS, AuthorizationType.IDP, null),
                        by(CommandFixtures.PORTAL_ADMIN))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    static Stream<Actor> notPortalAdmins() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.ORG_ADMIN, CommandFixtures.DEVELOPER);
    }

    @ParameterizedTest
    @MethodSource("notPortalAdmins")
    void R_AUTH_1_nobody_else_manages_schemes(Actor actor) {
        fixture.givenNoPriorActivity()
                .when(new CreateAuthenticationScheme(ID, NAME, MAPPINGS, AuthorizationType.IDP), by(actor))
                .expectException(refusedBy("R-AUTH-1"))
                .expectNoEvents();
        fixture.given(new AuthenticationSchemeCreated(ID, NAME, MAPPINGS, AuthorizationType.IDP))
                .when(new ChangeAuthenticationScheme(ID, NAME, MAPPINGS, AuthorizationType.PORTAL, null), by(actor))
                .expectException(refusedBy("R-AUTH-1"))
                .expectNoEvents();
    }
}
