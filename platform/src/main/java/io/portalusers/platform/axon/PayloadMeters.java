package io.portalusers.platform.axon;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The timers and counters Axon's {@code MessageTimerMonitor} and {@code MessageCountingMonitor}
 * keep per payload type (same names, tags and percentiles: {@code <prefix>.allTimer},
 * {@code .successTimer}, {@code .failureTimer}, {@code .ignoredTimer}, {@code .ingestedCounter},
 * {@code .successCounter}, {@code .failureCounter}, {@code .processedCounter},
 * {@code .ignoredCounter}), looked up once per payload type. Axon's build and register all nine
 * meters in the registry for every message: in a replay, a seventh of the processor threads' time.
 */
final class PayloadMeters implements MessageMonitor<Message<?>> {

    private final String prefix;
    private final MeterRegistry registry;
    private final Function<Class<?>, Tags> tags;
    private final Clock clock;
    private final Map<Class<?>, Meters> byPayloadType = new ConcurrentHashMap<>();

    /** @param tags the meters' tags for a payload type */
    PayloadMeters(String prefix, MeterRegistry registry, Function<Class<?>, Tags> tags) {
        this.prefix = prefix;
        this.registry = registry;
        this.tags = tags;
        this.clock = registry.config().clock();
    }

    private record Meters(Timer all, Timer success, Timer failure, Timer ignored, Counter ingested,
                          Counter succeeded, Counter failed, Counter processed, Counter skipped) {
    }

    private Meters meters(Class<?> payloadType) {
        Tags tagged = tags.apply(payloadType);
        return new Meters(timer("allTimer", tagged), timer("successTimer", tagged), timer("failureTimer", tagged),
                timer("ignoredTimer", tagged), counter("ingestedCounter", tagged), counter("successCounter", tagged),
                counter("failureCounter", tagged), counter("processedCounter", tagged), counter("ignoredCounter", tagged));
    }

    private Timer timer(String name, Tags tagged) {
        // as Axon's MessageTimerMonitor builds them
        return Timer.builder(prefix + "." + name)
                .distributionStatisticExpiry(Duration.ofMinutes(10))
                .publishPercentiles(0.5, 0.75, 0.95, 0.98, 0.99, 0.999)
                .tags(tagged)
                .register(registry);
    }

    private Counter counter(String name, Tags tagged) {
        return registry.counter(prefix + "." + name, tagged);
    }

    @Override
    public MonitorCallback onMessageIngested(Message<?> message) {
        Meters meters = byPayloadType.computeIfAbsent(message.getPayloadType(), this::meters);
        meters.ingested().increment();
        long start = clock.monotonicTime();
        return new MonitorCallback() {
            @Override
            public void reportSuccess() {
                report(meters.success(), meters.processed(), meters.succeeded());
            }

            @Override
            public void reportFailure(Throwable cause) {
                report(meters.failure(), meters.processed(), meters.failed());
            }

            @Override
            public void reportIgnored() {
                report(meters.ignored(), meters.skipped());
            }

            private void report(Timer outcome, Counter... counted) {
                long took = clock.monotonicTime() - start;
                meters.all().record(took, TimeUnit.NANOSECONDS);
                outcome.record(took, TimeUnit.NANOSECONDS);
                for (Counter counter : counted) {
                    counter.increment();
                }
            }
        };
    }
}
