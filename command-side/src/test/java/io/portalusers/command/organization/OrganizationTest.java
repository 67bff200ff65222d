package io.portalusers.command.organization;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.organization.AccountPlanChanged;
import io.portalusers.api.organization.ChangeAccountPlan;
import io.portalusers.api.organization.CreateOrganization;
import io.portalusers.api.organization.OrganizationCreated;
import io.portalusers.api.organization.OrganizationName;
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

class OrganizationTest {

    private static final OrganizationId ID = OrganizationId.random();
    private static final OrganizationName NAME = OrganizationName.of("Acme Corp");
    private static final AccountPlan GOLD = AccountPlan.of("Gold");
    private static final AccountPlan SILVER = AccountPlan.of("Silver");

    private AggregateTestFixture<Organization> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Organization.class);
        CommandFixtures.register(fixture);
    }

    @Test
    void R_ORG_1_a_portal_admin_creates_an_organization_with_its_account_plan() {
        fixture.givenNoPriorActivity()
                .when(new CreateOrganization(ID, NAME, GOLD), by(CommandFixtures.PORTAL_ADMIN))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new OrganizationCreated(ID, NAME, GOLD));
    }

    static Stream<Actor> notPortalAdmins() {
        return Stream.of(CommandFixtures.API_OWNER, CommandFixtures.ORG_ADMIN, CommandFixtures.DEVELOPER);
    }

    @ParameterizedTest
    @MethodSource("notPortalAdmins")
    void R_ORG_1_nobody_else_creates_an_organization(Actor actor) {
        fixture.givenNoPriorActivity()
                .when(new CreateOrganization(ID, NAME, GOLD), by(actor))
                .expectException(refusedBy("R-ORG-1"))
                .expectNoEvents();
    }

    @Test
    void R_ORG_1_a_portal_admin_changes_the_account_plan() {
        fixture.given(new OrganizationCreated(ID, NAME, GOLD))
                .when(new ChangeAccountPlan(ID, SILVER, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectEvents(new AccountPlanChanged(ID, SILVER))
                .expectResultMessagePayload(1L);
    }

    @ParameterizedTest
    @MethodSource("notPortalAdmins")
    void R_ORG_1_nobody_else_changes_the_account_plan(Actor actor) {
        fixture.given(new OrganizationCreated(ID, NAME, GOLD))
                .when(new ChangeAccountPlan(ID, SILVER, null), by(actor))
                .expectException(refusedBy("R-ORG-1"))
                .expectNoEvents();
    }

    @Test
    void the_same_plan_again_changes_nothing() {
        fixture.given(new OrganizationCreated(ID, NAME, GOLD))
                .when(new ChangeAccountPlan(ID, GOLD, null), by(CommandFixtures.PORTAL_ADMIN))
                .expectNoEvents()
                .expectResultMessagePayload(0L);
    }

    @Test
    void a_stale_expected_version_is_refused() {
        fixture.given(new OrganizationCreated(ID, NAME, GOLD), new AccountPlanChanged(ID, SILVER))
                .when(new ChangeAccountPlan(ID, GOLD, 0L), by(CommandFixtures.PORTAL_ADMIN))
                .expectException(ConflictingAggregateVersionException.class)
                .expectNoEvents();
    }

    @Test
    void R_STATE_1_a_disabled_portal_admin_acts_no_more() {
        fixture.givenNoPriorActivity()
                .when(new CreateOrganization(ID, NAME, GOLD), by(CommandFixtures.DISABLED_PORTAL_ADMIN))
                .expectException(refusedBy("R-STATE-1"))
                .expectNoEvents();
    }
}
