package io.portalusers.command.user;

import io.portalusers.api.UserId;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Issues invitations (R-ACT-2): each {@link InvitationIssued} with a new id and a deadline
 * {@code ttl} from now ({@code portal.invitations.ttl}, 72 h by default), and tells the time
 * that deadline is checked against. Expiry is a check on use: nothing runs when a deadline
 * passes, a token presented after it is refused.
 */
public class InvitationIssuer {

    private final Clock clock;
    private final Duration ttl;
    private final Supplier<InvitationId> ids;

    public InvitationIssuer(Clock clock, Duration ttl, Supplier<InvitationId> ids) {
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
