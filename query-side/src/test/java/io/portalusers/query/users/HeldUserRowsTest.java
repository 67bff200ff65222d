package io.portalusers.query.users;

import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a segment holds between the batches of a replay: which rows it writes, and when. */
class HeldUserRowsTest {

    private static UserRow row() {
        OffsetDateTime at = OffsetDateTime.parse("2026-12-06T10:00:00Z");
        return new UserRow(UUID.randomUUID(), "u", "u@example.com", "U", "Ser", "U Ser", "en", "ORG_USER", "DEVELOPER",
                "PORTAL", null, true, "PENDING", at, at, 0);
    }

    private static HeldUserRows.Held segment(int capacity, int events) {
        return new HeldUserRows(capacity, events, null, null, null).segment(0);
    }

    @Test
    void past_its_capacity_a_segment_gives_back_the_least_recently_changed_rows_to_be_written() {
        HeldUserRows.Held held = segment(2, 1_000);
        UserRow first = row();
        UserRow second = row();
        UserRow third = row();
        assertThat(held.hold(List.of(first, second), 2)).isEmpty();
        // the first is changed again: the second is now the least recently changed
        assertThat(held.take(Set.of(first.userId))).containsOnlyKeys(first.userId);
        assertThat(held.hold(List.of(first), 1)).isEmpty();
        assertThat(held.hold(List.of(third), 1)).containsExactly(second);
        assertThat(held.take(Set.of(first.userId, second.userId, third.userId)))
                .containsOnlyKeys(first.userId, third.userId);

        UserRow fourth = row();
        UserRow fifth = row();
        UserRow sixth = row();
        held.hold(List.of(fourth, fifth), 2);
        assertThat(held.hold(List.of(sixth, first, third), 3)).as("two past the capacity at once")
                .containsExactly(fourth, fifth, sixth);
    }

    @Test
    void once_it_folded_its_share_of_events_a_segment_holds_no_further_batch_until_all_is_written() {
        HeldUserRows.Held held = segment(100, 3);
        assertThat(held.mayHoldAnotherBatch()).isTrue();
        held.hold(List.of(row(), row()), 2);
        assertThat(held.mayHoldAnotherBatch()).isTrue();
        held.hold(List.of(row()), 1);
        assertThat(held.mayHoldAnotherBatch()).as("3 events folded").isFalse();

        GlobalSequenceTrackingToken token = new GlobalSequenceTrackingToken(42);
        assertThat(held.release(token)).hasSize(3);
        assertThat(held.isEmpty()).isTrue();
        assertThat(held.written).as("what is stored once they are written").isEqualTo(token);
        assertThat(held.mayHoldAnotherBatch()).isTrue();
    }

    @Test
    void a_segment_that_lost_rows_in_a_rolled_back_batch_holds_nothing_until_claimed_again() {
        HeldUserRows.Held held = segment(100, 1_000);
        held.hold(List.of(row()), 1);
        held.broken = true;
        assertThat(held.mayHoldAnotherBatch()).isFalse();

        GlobalSequenceTrackingToken stored = new GlobalSequenceTrackingToken(7);
        held.reset(stored);
        assertThat(held.isEmpty()).as("what it held is forgotten").isTrue();
        assertThat(held.written).isEqualTo(stored);
        assertThat(held.mayHoldAnotherBatch()).isTrue();
    }

    @Test
    void once_the_swap_begins_no_segment_holds_another_batch_until_a_rebuild_begins_again() {
        HeldUserRows rows = new HeldUserRows(100, 1_000, null, null, null);
        HeldUserRows.Held held = rows.segment(0);
        assertThat(held.mayHoldAnotherBatch()).isTrue();
        // nothing held: nothing to write, no transaction needed
        assertThat(rows.writeAll()).isTrue();
        assertThat(held.mayHoldAnotherBatch()).as("the swap has begun").isFalse();
        assertThat(rows.segment(1).mayHoldAnotherBatch()).as("every segment's, even one not seen before").isFalse();

        rows.rebuildBegins();
        assertThat(held.mayHoldAnotherBatch()).isTrue();
    }

    @Test
    void holding_is_off_with_no_capacity_or_no_events() {
        assertThat(segment(0, 1_000).mayHoldAnotherBatch()).isFalse();
        assertThat(segment(1_000, 0).mayHoldAnotherBatch()).isFalse();
    }
}
