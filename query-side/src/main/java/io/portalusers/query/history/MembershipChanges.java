package io.portalusers.query.history;

import io.portalusers.api.user.Membership;

import java.util.List;

/**
 * Memberships an event added and removed. Events carry the whole new set; a role changed in
 * one organization shows as the old pair removed and the new one added.
 */
record MembershipChanges(List<Membership> added, List<Membership> removed) {

    private static final MembershipChanges NONE = new MembershipChanges(List.of(), List.of());

    static MembershipChanges between(UserVersion before, UserVersion after) {
        List<Membership> old = before == null ? List.of() : before.memberships();
        List<Membership> now = after.memberships();
        if (old == now) {
            return NONE; // most events carry the memberships over as they were
        }
        return new MembershipChanges(
                now.stream().filter(m -> !old.contains(m)).toList(),
                old.stream().filter(m -> !now.contains(m)).toList());
    }
}
