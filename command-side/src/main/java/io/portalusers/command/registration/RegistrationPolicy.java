package io.portalusers.command.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a pending request waits for a decision ({@code portal.registration.expiry}, 30
 * days by default), and the clock that deadline is set and checked against.
 */
public class RegistrationPolicy {

    private final Clock clock;
    private final Duration expiry;

    public RegistrationPolicy(Clock clock, Duration expiry) {
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("portal.registration.expiry must be positive");
        }
        this.clock = clock;
        this.expiry = expiry;
    }

    Instant now() {
        return clock.instant();
    }

    Duration expiry() {
        return expiry;
    }
}
