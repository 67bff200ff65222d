package io.portalusers.query.history;

import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event log's own reading of stored event times agrees with Axon's, which wrote them. */
class EventLogTimeTest {

    @Test
    void stored_times_read_back_as_axon_reads_them() {
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochMilli(ThreadLocalRandom.current().nextLong(0, 4_102_444_800_000L));
            String stored = DateTimeUtils.formatInstant(instant);

            assertThat(EventLog.time(stored)).as(stored).isEqualTo(DateTimeUtils.parseInstant(stored)).isEqualTo(instant);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(EventLog.time(DateTimeUtils.formatInstant(now))).isEqualTo(now);
    }

    @Test
    void other_shapes_go_to_axons_parser() {
        assertThat(EventLog.time("2026-11-28T21:03:13Z")).isEqualTo(Instant.parse("2026-11-28T21:03:13Z"));
        assertThat(EventLog.time("2026-11-28T21:03:13.123456Z")).isEqualTo(Instant.parse("2026-11-28T21:03:13.123456Z"));
        assertThatThrownBy(() -> EventLog.time("2026-02-30T21:03:13.123Z")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> EventLog.time("2026-1+-28T21:03:13.123Z")).isInstanceOf(RuntimeException.class);
    }
}
