package io.portalusers.command.user;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.SchemeId;
import io.portalusers.api.Text;
import io.portalusers.api.UserId;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.ActivateAccount;
import io.portalusers.api.user.BootstrapPortalAdmin;
import io.portalusers.api.user.ChangeMemberships;
import io.portalusers.api.user.ChangePublisherRole;
import io.portalusers.api.user.ChangeUserDetails;
import io.portalusers.api.user.CreateUser;
import io.portalusers.api.user.DisableUser;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.EnableUser;
import io.portalusers.api.user.EraseUser;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.ResendActivationEmail;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserCategory;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserErased;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.modelling.command.CommandHandlerInterceptor;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.portalusers.platform.problem.RuleViolationException.forbidden;
import static io.portalusers.platform.problem.RuleViolationException.unprocessable;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A user account and every rule (docs/RULES.md) about adding, editing, enabling and disabling
 * it. Who may act is decided against the actor's own state and the portal's, both read in
 * this command's transaction. Username and email are unique (R-ADD-6), enforced by
 * {@link UserLookup} in the same transaction.
 */
@Aggregate
public class User {

    /** What an Org Admin may grant (R-ADD-3): Developers and Org Admins, nothing else. */
    private static final Set<Role> ORG_ADMIN_GRANTABLE = Set.of(Role.DEVELOPER, Role.ORG_ADMIN);

    @AggregateIdentifier
    private UserId userId;
    private Role accountRole;
    private List<Membership> memberships;
    private UserSource source;
    private SchemeId schemeId;
    private boolean enabled;
    private PersonName name;
    private EmailAddress email;
    private Language language;
    private boolean active;
    /** The one invitation whose token may still activate the account, or null (R-ACT-2). */
    private InvitationId invitation;
    private Instant invitationExpiresAt;
    /** R-ERASE-1: the personal data is shredded; the user takes no more commands. */
    private boolean erased;

    protected User() {
    }

    /**
     * R-SET-2: the first Portal Admin, from configuration, invited at once so that it can set
     * its password and sign in (its email goes to the configured address; the embedded default
     * also prints the link). Sent by the service itself, never over HTTP.
     */
    @CommandHandler
    public User(BootstrapPortalAdmin command, InvitationIssuer issuer) {
        apply(new UserCreated(command.userId(), command.username(), command.email(), command.name(),
                command.language(), Role.PORTAL_ADMIN, List.of(), UserSource.PORTAL, null, command.invite()));
        if (command.invite()) {
            apply(issuer.issue(command.userId()));
        }
    }

    @CommandHandler
    public User(CreateUser command, Actor actor, PortalState portal, InvitationIssuer issuer) {
        Role role = command.accountRole();
        List<Membership> requested = command.memberships();
        if (actor.isPortalAdmin()) {
            requireSsoDisabled(portal);
        } else if (!actor.administeredOrganizations().isEmpty()) {
            if (!ORG_ADMIN_GRANTABLE.contains(role)) {
                throw forbidden("R-ADD-3", "an Org Admin adds Developers and Org Admins only");
            }
            requireGrantableBy(actor, requested, "R-ADD-3");
        } else {
            throw forbidden("R-ADD-1", "only Portal Admins and Org Admins add users");
        }
        requireValidMemberships(role, requested, portal);
        apply(new UserCreated(command.userId(), command.username(), command.email(), command.name(),
                command.language(), role, requested, UserSource.PORTAL, null, command.notifyUser()));
        if (command.notifyUser()) {
            apply(issuer.issue(command.userId()));
        }
    }

    private User(UserCreated created, InvitationIssued invitation) {
        apply(created);
        apply(invitation);
    }

    /**
     * R-REG-1, R-REG-3: the registrant of an accepted self-registration, Org Admin of the
     * organization created with it in the same transaction, pending activation and invited
     * (the notifier sends the account setup email on {@link InvitationIssued}). Created by the
     * service itself, never over HTTP; username and email are checked by {@link UserLookup}.
     */
    public static User forRegistration(UserId userId, Username username, EmailAddress email, PersonName name,
                                       Language language, OrganizationId organization, InvitationIssuer issuer) {
        return new User(new UserCreated(userId, username, email, name, language, Role.ORG_ADMIN,
                List.of(new Membership(organization, Role.ORG_ADMIN)), UserSource.PORTAL, null, true),
                issuer.issue(userId));
    }

    /** An external IdP user's first sign-in through its scheme (R-AUTH-1); the scheme has checked the actor. */
    User(ProvisionedUser provisioned, PortalState portal) {
        requireValidMemberships(provisioned.accountRole(), provisioned.memberships(), portal);
        apply(new UserCreated(provisioned.userId(), provisioned.username(), provisioned.email(), provisioned.name(),
                provisioned.language(), provisioned.accountRole(), provisioned.memberships(), UserSource.IDP,
                provisioned.schemeId(), false));
    }

    @CommandHandler
    public long handle(ChangeUserDetails command, Actor actor, PortalState portal) {
        changeDetails(command.name(), command.email(), command.language(), actor, portal);
        return AggregateLifecycle.getVersion();
    }

    private void changeDetails(PersonName newName, EmailAddress newEmail, Language newLanguage, Actor actor,
                               PortalState portal) {
        requireNotSelf(actor);
        if (isProvisionedBy(actor)) {
            // R-EDIT-3: the identity provider is where an external IdP user's details are kept
        } else if (actor.isPortalAdmin()) {
            requireSsoDisabled(portal);
            if (source == UserSource.IDP) {
                throw forbidden("R-EDIT-3", "an external IdP user's details are not editable here");
            }
        } else {
            requireOrgAdminOfPortalManagedUser(actor, "R-EDIT-4");
            if (newEmail != null && !newEmail.equals(email)) {
                requireOrgAdminOfEveryOrganization(actor);
            }
        }
        if (newName != null && !newName.equals(name)) {
            apply(new UserNameChanged(userId, newName));
        }
        if (newEmail != null && !newEmail.equals(email)) {
            apply(new UserEmailChanged(userId, newEmail));
        }
        if (newLanguage != null && !newLanguage.equals(language)) {
            apply(new UserLanguageChanged(userId, newLanguage));
        }
    }

    @CommandHandler
    public long handle(ChangePublisherRole command, Actor actor, PortalState portal) {
        requireNotSelf(actor);
        if (!actor.isPortalAdmin()) {
            throw forbidden("R-EDIT-4", "only a Portal Admin edits a Global Publisher");
        }
        requireSsoDisabled(portal);
        if (source == UserSource.IDP) {
            throw forbidden("R-EDIT-3", "an external IdP publisher is not editable here");
        }
        if (accountRole.category() != UserCategory.GLOBAL_PUBLISHER) {
            throw unprocessable("R-EDIT-2", "role", "only a Global Publisher's role is edited");
        }
        if (command.role().category() != UserCategory.GLOBAL_PUBLISHER) {
            throw unprocessable("R-EDIT-5", "role", "a Global Publisher never becomes an Org User");
        }
        if (command.role() != accountRole) {
            if (accountRole == Role.PORTAL_ADMIN) {
                requireAnotherEnabledPortalAdmin(portal);
            }
            apply(new AccountRoleChanged(userId, command.role()));
        }
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(ChangeMemberships command, Actor actor, PortalState portal) {
        requireNotSelf(actor);
        List<Membership> requested = command.memberships();
        if (isProvisionedBy(actor)) {
            // R-AUTH-1: with IDP authorization the identity provider assigns the organizations, also as group members
            if (portal.authorizationTypeOf(schemeId).orElse(null) != AuthorizationType.IDP) {
                throw forbidden("R-EDIT-3", "this IdP user's organizations are assigned in the portal, not by its identity provider");
            }
        } else if (actor.isPortalAdmin()) {
            requireSsoDisabled(portal);
            if (source == UserSource.IDP && portal.authorizationTypeOf(schemeId).orElse(null) != AuthorizationType.PORTAL) {
                throw forbidden("R-EDIT-3", "this IdP user's organizations and roles follow its identity provider");
            }
        } else {
            requireOrgAdminOfPortalManagedUser(actor, "R-EDIT-4");
            requireGrantableBy(actor, changedMemberships(requested), "R-EDIT-4");
        }
        if (accountRole.category() != UserCategory.ORG_USER) {
            throw unprocessable("R-EDIT-5", "memberships", "a Global Publisher never becomes an Org User");
        }
        if (accountRole != Role.DEVELOPER) {
            throw unprocessable("R-EDIT-2", "memberships", "only a Developer's organizations and roles are edited");
        }
        requireValidMemberships(accountRole, requested, portal);
        if (!Set.copyOf(requested).equals(Set.copyOf(memberships))) {
            apply(new MembershipsChanged(userId, sorted(requested)));
        }
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(EnableUser command, Actor actor, PortalState portal) {
        enable(actor, portal);
        return AggregateLifecycle.getVersion();
    }

    @CommandHandler
    public long handle(DisableUser command, Actor actor, PortalState portal) {
        disable(actor, portal);
        return AggregateLifecycle.getVersion();
    }

    private void enable(Actor actor, PortalState portal) {
        requireMayEnableOrDisable(actor, portal);
        if (!enabled) {
            apply(new UserEnabled(userId));
        }
    }

    private void disable(Actor actor, PortalState portal) {
        requireMayEnableOrDisable(actor, portal);
        if (enabled) {
            if (accountRole == Role.PORTAL_ADMIN) {
                requireAnotherEnabledPortalAdmin(portal);
            }
            apply(new UserDisabled(userId));
        }
    }

    /**
     * R-ERASE-1: a Portal Admin erases a disabled user's personal data, giving a reason. Once
     * erased, asking again changes nothing and succeeds (the erasure is recorded once).
     */
    @CommandHandler
    public long handle(EraseUser command, Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw forbidden("R-ERASE-1", "only a Portal Admin erases a user's personal data");
        }
        // a reason is checked before all else: asked again, an erasure is still refused without a valid one
        String reason;
        try {
            reason = Text.singleLine(command.reason(), RequestMetadata.MAX_REASON_LENGTH);
        } catch (InvalidValueException e) {
            throw unprocessable("R-ERASE-1", "reason", "an erasure needs a reason (" + e.getMessage() + ")");
        }
        if (erased) {
            return AggregateLifecycle.getVersion();
        }
        if (enabled) {
            throw unprocessable("R-ERASE-1", "user", "only a disabled user is erased; disable the account first");
        }
        apply(new UserErased(userId, reason));
        return AggregateLifecycle.getVersion();
    }

    /** R-ERASE-1: an erased user takes no more commands but the erasure itself (asked again). */
    @CommandHandlerInterceptor
    Object refuseOnceErased(CommandMessage<?> command, InterceptorChain chain) throws Exception {
        if (erased && !(command.getPayload() instanceof EraseUser)) {
            throw unprocessable("R-ERASE-1", "user", "this user is erased and takes no more changes");
        }
        return chain.proceed();
    }

    /**
     * R-ADD-7: who may change the user's email may invite it again (R-EDIT-6); every earlier
     * invitation is void after it (R-ACT-2).
     */
    @CommandHandler
    public long handle(ResendActivationEmail command, Actor actor, PortalState portal, InvitationIssuer issuer) {
        requireNotSelf(actor);
        if (actor.isPortalAdmin()) {
            requireSsoDisabled(portal);
        } else {
            requireOrgAdminOfPortalManagedUser(actor, "R-EDIT-4");
            requireOrgAdminOfEveryOrganization(actor);
        }
        if (source != UserSource.PORTAL) {
            throw unprocessable("R-ADD-7", "user", "an external IdP user signs in through its identity provider");
        }
        if (active) {
            throw unprocessable("R-ADD-7", "user", "the account is active already");
        }
        if (!enabled) {
            throw unprocessable("R-STATE-1", "user", "a disabled user cannot activate; enable the account first");
        }
        apply(issuer.issue(userId));
        return AggregateLifecycle.getVersion();
    }

    /**
     * R-ACT-1, R-ACT-2, R-ACT-4: only the latest invitation, before its deadline, activates
     * an enabled pending account. The token was checked and consumed by the caller.
     */
    @CommandHandler
    public void handle(ActivateAccount command, InvitationIssuer issuer) {
        if (!enabled) {
            throw forbidden("R-ACT-4", "a disabled user cannot activate");
        }
        if (active || !command.invitationId().equals(invitation)) {
            throw forbidden("R-ACT-2", "this invitation is used, superseded or not this user's");
        }
        if (!issuer.now().isBefore(invitationExpiresAt)) {
            throw forbidden("R-ACT-2", "this invitation has expired");
        }
        apply(new UserActivated(userId));
    }

    /** R-AUTH-1: an IDP scheme's user follows its identity provider's attributes on each sign-in. */
    /**
     * An identity provider's client's replace of one of its users, as one change: details as
     * {@link #handle(ChangeUserDetails, Actor, PortalState)}, role and organizations as
     * {@link #followIdentityProvider} when {@code followed} is given, and enabled or disabled as
     * {@code active} says (null: as it is), by the rules of each. Called by {@link IdpProvisioning},
     * which resolved the asserted role and organizations; returns the version after it.
     */
    long update(PersonName newName, EmailAddress newEmail, Language newLanguage, Asserted followed, Boolean active,
                Actor actor, PortalState portal) {
        if (erased) {
            throw unprocessable("R-ERASE-1", "user", "this user is erased and takes no more changes");
        }
        changeDetails(newName, newEmail, newLanguage, actor, portal);
        if (followed != null) {
            followIdentityProvider(followed.role(), followed.memberships(), portal);
        }
        if (Boolean.TRUE.equals(active)) {
            enable(actor, portal);
        } else if (Boolean.FALSE.equals(active)) {
            disable(actor, portal);
        }
        return AggregateLifecycle.getVersion();
    }

    /** The role and organizations an identity provider asserted, as the scheme's mappings read them. */
    record Asserted(Role role, List<Membership> memberships) {
    }

    void followIdentityProvider(Role role, List<Membership> asserted, PortalState portal) {
        if (role.category() != accountRole.category()) {
            throw unprocessable("R-EDIT-5", "attributes", "a Global Publisher never becomes an Org User, nor the reverse");
        }
        requireValidMemberships(role, asserted, portal);
        if (role != accountRole) {
            if (accountRole == Role.PORTAL_ADMIN && enabled) {
                requireAnotherEnabledPortalAdmin(portal);
            }
            apply(new AccountRoleChanged(userId, role));
        }
        if (!Set.copyOf(asserted).equals(Set.copyOf(memberships))) {
            apply(new MembershipsChanged(userId, sorted(asserted)));
        }
    }

    UserId userId() {
        return userId;
    }

    /** R-STATE-1: who may switch the account between enabled and disabled. */
    private void requireMayEnableOrDisable(Actor actor, PortalState portal) {
        requireNotSelf(actor);
        if (isProvisionedBy(actor)) {
            return;
        }
        if (actor.isPortalAdmin()) {
            requireSsoDisabled(portal);
        } else {
            requireOrgAdminOfPortalManagedUser(actor, "R-STATE-1");
        }
    }

    /**
     * R-EDIT-3, R-STATE-1: whether {@code actor} is the SCIM client of this external IdP user's
     * scheme, which keeps its details and its state as the identity provider has them, SSO on or off.
     */
    private boolean isProvisionedBy(Actor actor) {
        return source == UserSource.IDP && schemeId != null && actor.provisions(schemeId);
    }

    private void requireNotSelf(Actor actor) {
        if (actor.userId().equals(userId)) {
            throw forbidden("R-EDIT-1", "nobody edits, enables or disables their own account here");
        }
    }

    private static void requireSsoDisabled(PortalState portal) {
        if (portal.ssoEnabled()) {
            throw forbidden("R-ADD-2", "Portal Admins manage users here only while single sign-on is disabled");
        }
    }

    /** R-EDIT-4, R-STATE-1: an Org Admin acts on portal-managed users of an organization it administers. */
    private void requireOrgAdminOfPortalManagedUser(Actor actor, String ruleId) {
        Set<OrganizationId> administered = actor.administeredOrganizations();
        boolean member = memberships.stream().anyMatch(m -> administered.contains(m.organizationId()));
        if (administered.isEmpty() || source != UserSource.PORTAL || !member) {
            throw forbidden(ruleId, "an Org Admin manages only portal-managed users of the organizations it administers");
        }
    }

    /**
     * R-EDIT-6: the activation link goes to the user's email, so whoever sets the email or
     * sends the link there may take the account, with every membership it holds. An Org Admin
     * does either only for a user all of whose organizations it administers; a user also in
     * another organization is the Portal Admin's, so that no Org Admin gains an account in an
     * organization it does not administer. A user an Org Admin adds has organizations it
     * administers only (R-ADD-3), so its invitation at creation needs no such check.
     */
    private void requireOrgAdminOfEveryOrganization(Actor actor) {
        Set<OrganizationId> administered = actor.administeredOrganizations();
        if (!memberships.stream().allMatch(m -> administered.contains(m.organizationId()))) {
            throw forbidden("R-EDIT-6", "the user is also a member of an organization you do not administer: "
                    + "only a Portal Admin changes its email or sends its activation email");
        }
    }

    private static void requireGrantableBy(Actor actor, List<Membership> granted, String ruleId) {
        Set<OrganizationId> administered = actor.administeredOrganizations();
        for (Membership membership : granted) {
            if (!administered.contains(membership.organizationId())) {
                throw forbidden(ruleId, "an Org Admin assigns only organizations it administers");
            }
            if (!ORG_ADMIN_GRANTABLE.contains(membership.role())) {
                throw forbidden(ruleId, "an Org Admin grants the Developer and Org Admin roles only");
            }
        }
    }

    /** The memberships added, removed or given another role by a change to {@code requested}. */
    private List<Membership> changedMemberships(List<Membership> requested) {
        Set<Membership> before = new HashSet<>(memberships);
        Set<Membership> after = new HashSet<>(requested);
        return Stream.concat(
                        requested.stream().filter(m -> !before.contains(m)),
                        memberships.stream().filter(m -> !after.contains(m)))
                .toList();
    }

    /** R-ADD-1, R-ADD-4, R-ADD-5: the memberships an account of this kind may have. */
    private static void requireValidMemberships(Role role, List<Membership> requested, PortalState portal) {
        if (role.category() == UserCategory.GLOBAL_PUBLISHER) {
            if (!requested.isEmpty()) {
                throw unprocessable("R-ADD-1", "memberships", "a Global Publisher belongs to no organization");
            }
            return;
        }
        if (requested.isEmpty()) {
            throw unprocessable("R-ADD-4", "memberships", "an Org User belongs to at least one organization");
        }
        Map<OrganizationId, Long> perOrganization = requested.stream()
                .collect(Collectors.groupingBy(Membership::organizationId, Collectors.counting()));
        if (perOrganization.size() != requested.size()) {
            throw unprocessable("R-ADD-4", "memberships", "an organization appears more than once");
        }
        if (role != Role.DEVELOPER && (requested.size() != 1 || requested.get(0).role() != role)) {
            throw unprocessable("R-ADD-5", "memberships",
                    "an Org Admin or Org Publisher account has exactly one membership, in its own role; "
                            + "only Developers belong to several organizations");
        }
        for (Membership membership : requested) {
            if (!portal.organizationExists(membership.organizationId())) {
                throw unprocessable("R-ADD-4", "memberships", "organization " + membership.organizationId() + " does not exist");
            }
        }
    }

    private void requireAnotherEnabledPortalAdmin(PortalState portal) {
        Set<UserId> enabledAdmins = portal.lockEnabledPortalAdmins();
        enabledAdmins.remove(userId);
        if (enabledAdmins.isEmpty()) {
            throw forbidden("R-STATE-2", "the last enabled Portal Admin cannot be disabled or demoted");
        }
    }

    private static List<Membership> sorted(List<Membership> memberships) {
        return memberships.stream()
                .sorted(Comparator.comparing(m -> m.organizationId().value()))
                .toList();
    }

    @EventSourcingHandler
    void on(UserCreated event) {
        userId = event.userId();
        accountRole = event.accountRole();
        memberships = event.memberships();
        source = event.source();
        schemeId = event.schemeId();
        enabled = true;
        name = event.name();
        email = event.email();
        language = event.language();
    }

    @EventSourcingHandler
    void on(UserNameChanged event) {
        name = event.name();
    }

    @EventSourcingHandler
    void on(UserEmailChanged event) {
        email = event.email();
        invitation = null;
    }

    @EventSourcingHandler
    void on(UserLanguageChanged event) {
        language = event.language();
    }

    @EventSourcingHandler
    void on(AccountRoleChanged event) {
        accountRole = event.role();
    }

    @EventSourcingHandler
    void on(MembershipsChanged event) {
        memberships = event.memberships();
    }

    @EventSourcingHandler
    void on(UserEnabled event) {
        enabled = true;
    }

    @EventSourcingHandler
    void on(UserDisabled event) {
        enabled = false;
        invitation = null;
    }

    @EventSourcingHandler
    void on(UserErased event) {
        erased = true;
        invitation = null;
    }

    @EventSourcingHandler
    void on(InvitationIssued event) {
        invitation = event.invitationId();
        invitationExpiresAt = event.expiresAt();
    }

    @EventSourcingHandler
    void on(UserActivated event) {
        active = true;
        invitation = null;
    }
}
