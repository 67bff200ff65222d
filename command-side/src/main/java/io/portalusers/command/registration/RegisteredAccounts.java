package io.portalusers.command.registration;

import io.portalusers.api.organization.AccountPlan;
import io.portalusers.api.registration.CreateRegisteredAccount;
import io.portalusers.command.organization.Organization;
import io.portalusers.command.organization.OrganizationLookup;
import io.portalusers.command.user.InvitationIssuer;
import io.portalusers.command.user.User;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * R-REG-3: the organization of an accepted registration and its Org Admin, in one unit of
 * work, so that either both exist or neither does (a taken name or email rolls both back).
 * The organization gets the account plan {@code portal.registration.account-plan}.
 */
@Component
class RegisteredAccounts {

    private final Repository<Organization> organizations;
    private final Repository<User> users;
    private final OrganizationLookup organizationLookup;
    private final InvitationIssuer issuer;
    private final AccountPlan accountPlan;

    RegisteredAccounts(Repository<Organization> organizations, Repository<User> users,
                       OrganizationLookup organizationLookup, InvitationIssuer issuer,
                       @Value("${portal.registration.account-plan}") String accountPlan) {
        this.organizations = organizations;
        this.users = users;
        this.organizationLookup = organizationLookup;
        this.issuer = issuer;
        this.accountPlan = AccountPlan.of(accountPlan);
    }

    @CommandHandler
    public void handle(CreateRegisteredAccount command) throws Exception {
        if (organizationLookup.exists(command.organizationId())) {
            return; // a repeat (at-least-once delivery): both were created together
        }
        organizations.newInstance(() ->
                Organization.forRegistration(command.organizationId(), command.organizationName(), accountPlan));
        users.newInstance(() -> User.forRegistration(command.userId(), command.username(), command.email(),
                command.name(), command.language(), command.organizationId(), issuer));
    }
}
