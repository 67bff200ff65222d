package io.portalusers.identity;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** R-AUTH-3: the delay after each failure: none within the free ones, then doubling up to each level's cap. */
class SignInThrottleDelayTest {

    private final SignInThrottle throttle = new SignInThrottle(null, null, new IdentityProperties.Throttle(
            10, Duration.ofMinutes(5), 5, Duration.ofMinutes(15), 50, Duration.ofMinutes(15),
            Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofDays(30), Duration.ofHours(1)), null);

    @Test
    void R_AUTH_3_delays_double_from_the_first_failure_past_the_free_ones_up_to_the_cap() {
        assertThat(throttle.delay(SignInThrottle.Level.PAIR, 4)).isZero();
        assertThat(throttle.delay(SignInThrottle.Level.PAIR, 5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.delay(SignInThrottle.Level.PAIR, 6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.delay(SignInThrottle.Level.PAIR, 14)).isEqualTo(Duration.ofSeconds(512));
        assertThat(throttle.delay(SignInThrottle.Level.PAIR, 15)).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.delay(SignInThrottle.Level.PAIR, 1_000_000)).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.delay(SignInThrottle.Level.ACCOUNT, 9)).isZero();
        assertThat(throttle.delay(SignInThrottle.Level.ACCOUNT, 19)).isEqualTo(Duration.ofMinutes(5));
        assertThat(throttle.delay(SignInThrottle.Level.CLIENT, 50)).isEqualTo(Duration.ofSeconds(1));
    }
}
