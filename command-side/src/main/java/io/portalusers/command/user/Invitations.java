package io.portalusers.command.user;

import io.portalusers.api.UserId;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Where invitations come from (R-ACT-2): a new id, a deadline {@code ttl} from now
 * ({@code portal.invitations.ttl}, 72 h by default), and the clock that deadline is checked
 * against. Expiry is a check on use: nothing runs when a deadline passes, a token presented
 * after it is refused.
 */
public class Invitations {

    private final Clock clock;
    private final Duration ttl;
    private final Supplier<InvitationId> ids;

    public Invitations(Clock clock, Duration ttl, Supplier<InvitationId> ids) {
        this.clock = clock;
        this.ttl = ttl;
        this.ids = ids;
    }

    InvitationIssued issue(UserId user) {
        return new InvitationIssued(user, ids.get(), clock.instant().plus(ttl));
    }

    Instant now() {
        return clock.instant();
    }
}
