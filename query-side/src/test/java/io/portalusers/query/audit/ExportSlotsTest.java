package io.portalusers.query.audit;

import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.TooManyRequestsException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exports hold a connection while they stream: a bound per caller and per node, refused at once past it. */
class ExportSlotsTest {

    private final ExportSlots slots = new ExportSlots(2, 3);
    private final AuditReader alice = new AuditReader.MachineClient("alice");
    private final AuditReader bob = new AuditReader.MachineClient("bob");

    @Test
    void a_caller_runs_at_most_its_share_and_gets_a_429_past_it() {
        ExportSlots.Slot first = slots.take(alice);
        slots.take(alice);

        assertThatThrownBy(() -> slots.take(alice))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> {
                    assertThat(e.code()).isEqualTo(ExportSlots.CODE);
                    assertThat(e.retryAfter()).isPositive();
                });
        first.close();
        first.close(); // closing twice frees one slot, not two
        slots.take(alice);
        assertThatThrownBy(() -> slots.take(alice)).isInstanceOf(TooManyRequestsException.class);
    }

    @Test
    void the_node_runs_at_most_its_total_whoever_asks() {
        slots.take(alice);
        slots.take(alice);
        ExportSlots.Slot bobs = slots.take(bob);

        assertThatThrownBy(() -> slots.take(bob)).isInstanceOf(TooManyRequestsException.class);
        assertThatThrownBy(() -> slots.take(new AuditReader.MachineClient("carol"))).isInstanceOf(TooManyRequestsException.class);
        bobs.close();
        slots.take(new AuditReader.MachineClient("carol"));
    }
}
