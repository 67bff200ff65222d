package io.portalusers.command.organization;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.organization.AccountPlanChanged;
import io.portalusers.api.organization.ChangeAccountPlan;
import io.portalusers.api.organization.CreateOrganization;
import io.portalusers.api.organization.OrganizationCreated;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.RuleViolationException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An organization users are added to (R-ORG-1). Its name is unique case-insensitively; the
 * {@link OrganizationLookup} enforces that in the same transaction.
 */
@Aggregate
public class Organization {

    @AggregateIdentifier
    private OrganizationId organizationId;
    private AccountPlan accountPlan;

    protected Organization() {
    }

    @CommandHandler
    public Organization(CreateOrganization command, Actor actor) {
        requirePortalAdmin(actor);
        apply(new OrganizationCreated(command.organizationId(), command.name(), command.accountPlan()));
    }

    private Organization(OrganizationCreated created) {
        apply(created);
    }

    /**
     * R-REG-3: the new organization of an accepted self-registration, created by the service
     * itself (no actor); the name is checked by the {@link OrganizationLookup} as any other.
     */
    public static Organization forRegistration(OrganizationId id, OrganizationName name, AccountPlan plan) {
        return new Organization(new OrganizationCreated(id, name, plan));
    }

    @CommandHandler
    public long handle(ChangeAccountPlan command, Actor actor) {
        requirePortalAdmin(actor);
        if (!accountPlan.equals(command.accountPlan())) {
            apply(new AccountPlanChanged(organizationId, command.accountPlan()));
        }
        return AggregateLifecycle.getVersion();
    }

    private static void requirePortalAdmin(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw new RuleViolationException("R-ORG-1", "only a Portal Admin manages organizations");
        }
    }

    @EventSourcingHandler
    void on(OrganizationCreated event) {
        organizationId = event.organizationId();
        accountPlan = event.accountPlan();
    }

    @EventSourcingHandler
    void on(AccountPlanChanged event) {
        accountPlan = event.accountPlan();
    }
}
