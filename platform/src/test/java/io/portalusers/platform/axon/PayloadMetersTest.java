package io.portalusers.platform.axon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.monitoring.MessageMonitor.MonitorCallback;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters kept per payload type, as Axon's timer and counting monitors keep them. */
class PayloadMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PayloadMeters meters = new PayloadMeters("eventProcessor", registry,
            type -> Tags.of("payloadType", type.getSimpleName(), "processorName", "users"));

    private double count(String name, String payloadType) {
        return registry.get("eventProcessor." + name).tags("payloadType", payloadType, "processorName", "users")
                .counter().count();
    }

    private long timed(String name, String payloadType) {
        return registry.get("eventProcessor." + name).tags("payloadType", payloadType, "processorName", "users")
                .timer().count();
    }

    @Test
    void each_outcome_is_timed_and_counted_under_its_payload_type() {
        MonitorCallback first = meters.onMessageIngested(GenericEventMessage.asEventMessage("a string"));
        MonitorCallback second = meters.onMessageIngested(GenericEventMessage.asEventMessage("another"));
        MonitorCallback third = meters.onMessageIngested(GenericEventMessage.asEventMessage("a third"));
        MonitorCallback number = meters.onMessageIngested(GenericEventMessage.asEventMessage(42));
        first.reportSuccess();
        second.reportFailure(new IllegalStateException("failed"));
        third.reportIgnored();
        number.reportSuccess();

        assertThat(count("ingestedCounter", "String")).isEqualTo(3);
        assertThat(count("successCounter", "String")).isEqualTo(1);
        assertThat(count("failureCounter", "String")).isEqualTo(1);
        assertThat(count("processedCounter", "String")).as("successes and failures").isEqualTo(2);
        assertThat(count("ignoredCounter", "String")).isEqualTo(1);
        assertThat(timed("allTimer", "String")).isEqualTo(3);
        assertThat(timed("successTimer", "String")).isEqualTo(1);
        assertThat(timed("failureTimer", "String")).isEqualTo(1);
        assertThat(timed("ignoredTimer", "String")).isEqualTo(1);
        assertThat(count("successCounter", "Integer")).isEqualTo(1);
        assertThat(timed("allTimer", "Integer")).isEqualTo(1);
        assertThat(registry.getMeters().stream().filter(meter -> meter instanceof Timer || meter instanceof Counter))
                .as("nine meters for each of the two payload types").hasSize(18);
    }
}
