package io.portalusers.command.user;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.authscheme.ProvisionIdpUser;
import io.portalusers.api.authscheme.ProvisioningResult;
import io.portalusers.api.authscheme.UpdateIdpUser;
import io.portalusers.api.organization.OrganizationName;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCategory;
import io.portalusers.command.authscheme.SchemeLookup;
import io.portalusers.command.organization.OrganizationLookup;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.NotFoundException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.modelling.command.Aggregate;
import org.axonframework.modelling.command.Repository;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.portalusers.platform.problem.RuleViolationException.forbidden;
import static io.portalusers.platform.problem.RuleViolationException.unprocessable;

/**
 * R-AUTH-1: an external IdP user signing in through a scheme. Idempotent per (scheme,
 * subject): the subject is linked to one user, by a keyed hash, in the command's
 * transaction; a concurrent first sign-in waits for the other and then finds its user.
 */
@Component
class IdpProvisioning {

    private final Repository<User> users;
    private final SchemeLookup schemes;
    private final OrganizationLookup organizations;
    private final PortalState portal;
    private final JdbcClient jdbc;

    IdpProvisioning(Repository<User> users, SchemeLookup schemes, OrganizationLookup organizations,
                    PortalState portal, JdbcClient jdbc) {
        this.users = users;
        this.schemes = schemes;
        this.organizations = organizations;
        this.portal = portal;
        this.jdbc = jdbc;
    }

    @CommandHandler
    public ProvisioningResult handle(ProvisionIdpUser command, Actor actor) throws Exception {
        if (!actor.isPortalAdmin() && !actor.provisions(command.schemeId())) {
            throw forbidden("R-AUTH-1", "only a Portal Admin or the scheme's SCIM client provisions external IdP users");
        }
        SchemeLookup.Scheme scheme = schemes.find(command.schemeId())
                .orElseThrow(() -> new NotFoundException("no such authentication scheme"));
        String subjectKey = subjectKey(command);
        Optional<UserId> linked = linkedUser(subjectKey);
        if (linked.isEmpty()) {
            Role role = assertedRole(scheme.mappings(), command);
            if (scheme.authorizationType() == AuthorizationType.PORTAL && role.category() == UserCategory.GLOBAL_PUBLISHER) {
                throw forbidden("R-AUTH-1", "new publishers of a scheme with PORTAL authorization cannot be provisioned");
            }
            UserId userId = UserId.random();
            int claimed = jdbc.sql("""
                            insert into idp_subject_lookup (subject_key, scheme_id, user_id) values (?, ?, ?)
                            on conflict (subject_key) do nothing""")
                    .params(subjectKey, command.schemeId().value(), userId.value())
                    .update();
            if (claimed == 1) {
                ProvisionedUser provisioned = new ProvisionedUser(userId, command.schemeId(), command.username(),
                        command.email(), command.name(), command.language(), role,
                        assertedMemberships(scheme.mappings(), role, command));
                users.newInstance(() -> new User(provisioned, portal));
                return new ProvisioningResult(userId, true);
            }
            linked = linkedUser(subjectKey);
        }
        UserId userId = linked.orElseThrow();
        if (scheme.authorizationType() == AuthorizationType.IDP) {
            Role role = assertedRole(scheme.mappings(), command);
            List<Membership> memberships = assertedMemberships(scheme.mappings(), role, command);
            users.load(userId.toString()).execute(user -> user.followIdentityProvider(role, memberships, portal));
        }
        return new ProvisioningResult(userId, false);
    }

    /**
     * A SCIM replace or patch of a user of the client's scheme, as one unit: the user is loaded
     * once, at the version the caller read when it names one (a later version is refused as a
     * conflict, appending nothing), and every change is applied to it in this one command.
     */
    @CommandHandler
    public long handle(UpdateIdpUser command, Actor actor) throws Exception {
        if (!actor.isPortalAdmin() && !actor.provisions(command.schemeId())) {
            throw forbidden("R-AUTH-1", "only a Portal Admin or the scheme's SCIM client provisions external IdP users");
        }
        User.Asserted followed = null;
        if (!command.attributes().isEmpty()) {
            SchemeLookup.Scheme scheme = schemes.find(command.schemeId())
                    .orElseThrow(() -> new NotFoundException("no such authentication scheme"));
            if (command.subject() == null || !linkedUser(ProvisionIdpUser.subjectKey(command.schemeId(), command.subject()))
                    .equals(Optional.of(command.userId()))) {
                throw unprocessable("R-AUTH-1", "externalId",
                        "the subject this user was provisioned with is needed for its role and organization to follow");
            }
            if (scheme.authorizationType() == AuthorizationType.IDP) {
                ProvisionIdpUser asserted = new ProvisionIdpUser(command.schemeId(), command.subject(), null,
                        command.email(), command.name(), command.language(), command.attributes());
                Role role = assertedRole(scheme.mappings(), asserted);
                followed = new User.Asserted(role, assertedMemberships(scheme.mappings(), role, asserted));
            }
        }
        User.Asserted assertedByProvider = followed;
        Aggregate<User> user = users.load(command.userId().toString(), command.expectedVersion());
        return user.invoke(loaded -> loaded.update(command.name(), command.email(), command.language(),
                assertedByProvider, command.active(), actor, portal));
    }

    private Optional<UserId> linkedUser(String subjectKey) {
        return jdbc.sql("select user_id from idp_subject_lookup where subject_key = ?")
                .param(subjectKey)
                .query((rs, n) -> new UserId(rs.getObject(1, UUID.class)))
                .optional();
    }

    private static Role assertedRole(AttributeMappings mappings, ProvisionIdpUser command) {
        String value = command.attributes().get(mappings.roleAttribute());
        Role role = value == null ? null : mappings.roleValues().get(value);
        if (role == null) {
            throw unprocessable("R-AUTH-1", "attributes." + mappings.roleAttribute(),
                    "the asserted role is missing or maps to no role of this scheme");
        }
        return role;
    }

    private List<Membership> assertedMemberships(AttributeMappings mappings, Role role, ProvisionIdpUser command) {
        if (role.category() == UserCategory.GLOBAL_PUBLISHER) {
            return List.of();
        }
        String field = "attributes." + mappings.organizationAttribute();
        String value = command.attributes().get(mappings.organizationAttribute());
        OrganizationId organization;
        try {
            organization = organizations.findByName(OrganizationName.of(value)).orElse(null);
        } catch (IllegalArgumentException e) {
            organization = null;
        }
        if (organization == null) {
            throw unprocessable("R-ADD-4", field, "the asserted organization does not exist");
        }
        return List.of(new Membership(organization, role));
    }

    /** The subject is personal data in many identity providers: only its hash is kept. */
    private static String subjectKey(ProvisionIdpUser command) {
        return ProvisionIdpUser.subjectKey(command.schemeId(), command.subject());
    }
}
