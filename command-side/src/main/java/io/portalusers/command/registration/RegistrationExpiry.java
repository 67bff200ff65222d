package io.portalusers.command.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a pending registration request expires: how long it waits for a decision
 * ({@code portal.registration.expiry}, 30 days by default), and the clock its deadline is set
 * and checked against.
 */
public class RegistrationExpiry {

    private final Clock clock;
    private final Duration period;

    public RegistrationExpiry(Clock clock, Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("portal.registration.expiry must be positive");
        }
        this.clock = clock;
        this.period = period;
    }

    Instant now() {
        return clock.instant();
    }

    /** How long a request waits for a decision from its submission. */
    Duration period() {
        return period;
    }
}
