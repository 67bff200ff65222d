package io.portalusers.platform.actor;

import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * R-SEARCH-5: what of a user a reader sees. Portal Admins and audit:read machine clients see
 * all of every user, and a user all of its own account. Anyone else (an Org Admin) sees a
 * user's memberships in the organizations it administers only: of a membership in another
 * organization neither the organization nor the role shows, in any answer about the user.
 * Every answer that shows a user asks this one place, so that none of them can differ.
 *
 * <p>Whether the reader sees the user at all is each answer's own rule (R-SEARCH-4, R-AUD-1).
 */
public final class ReaderScope {

    private final UserId self;
    private final boolean everything;
    private final Set<OrganizationId> organizations;

    private ReaderScope(UserId self, boolean everything, Set<OrganizationId> organizations) {
        this.self = self;
        this.everything = everything;
        this.organizations = organizations;
    }

    public static ReaderScope of(AuditReader reader) {
        return new ReaderScope(reader.userId().orElse(null), reader.readsEverything(),
                reader.readsEverything() ? Set.of() : Set.copyOf(reader.administeredOrganizations()));
    }

    /** Sees of every user the memberships in {@code organization} only, as its Org Admin would. */
    public static ReaderScope ofOrganization(OrganizationId organization) {
        return new ReaderScope(null, false, Set.of(organization));
    }

    public static ReaderScope of(Actor actor) {
        return of(new AuditReader.User(actor));
    }

    /** Sees all of every user: a Portal Admin or an audit:read machine client. */
    public boolean everything() {
        return everything;
    }

    /** Sees all of this user: it sees everyone's, or the user is the reader. */
    public boolean seesAllOf(UUID user) {
        return everything || self != null && self.value().equals(user);
    }

    /** Whether the user's membership in {@code organization} shows to the reader. */
    public boolean shows(UUID user, OrganizationId organization) {
        return seesAllOf(user) || organizations.contains(organization);
    }

    /** The user's memberships that show to the reader, in their order. */
    public List<Membership> memberships(UUID user, List<Membership> memberships) {
        if (seesAllOf(user)) {
            return memberships;
        }
        return memberships.stream().filter(m -> organizations.contains(m.organizationId())).toList();
    }
}
