package io.portalusers.platform.axon;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.messaging.Message;
import org.axonframework.micrometer.EventProcessorLatencyMonitor;
import org.axonframework.micrometer.TagsUtil;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.MultiMessageMonitor;
import org.axonframework.queryhandling.QueryBus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * Axon's Micrometer metrics for event processors and the command and query buses, as its own
 * auto-configuration makes them (same meter names and tags: the timer, the counters and each
 * processor's latency) but without its capacity monitor.
 *
 * <p>Axon's capacity monitor keeps every message of the last ten minutes in a sorted map (one
 * entry, about 90 bytes, per message and per processor) to report the share of time spent
 * handling. A processor replaying or catching up reads tens of thousands of events a second: at
 * 1,000,000 users, the replay's ten minutes held 11 million entries (a gigabyte), and a service
 * capped at a 1 GiB heap spent a third of its time in full collections. The same share is
 * {@code sum by (processorName) (rate(eventProcessor_allTimer_seconds_sum[1m]))} of the timer kept here.
 *
 * <p>Type-specific monitor factories take precedence over Axon's, which it registers as the
 * default for every component. The timers and counters are {@link PayloadMeters}, Axon's meters
 * looked up once per payload type rather than registered anew for every message.
 */
@Configuration(proxyBeanMethods = false)
class MessageMetrics {

    /** The meter name prefix of event processors, as Axon names them. */
    static final String EVENT_PROCESSOR = "eventProcessor";

    @Bean
    ConfigurerModule messageMetricsWithoutCapacity(MeterRegistry registry) {
        return configurer -> configurer
                .configureMessageMonitor(EventProcessor.class, (configuration, type, name) -> eventProcessor(registry, name))
                .configureMessageMonitor(CommandBus.class, (configuration, type, name) -> bus(registry, name))
                .configureMessageMonitor(QueryBus.class, (configuration, type, name) -> bus(registry, name));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MessageMonitor<Message<?>> eventProcessor(MeterRegistry registry, String processor) {
        return new MultiMessageMonitor(List.of(
                new PayloadMeters(EVENT_PROCESSOR, registry, payloadType -> Tags.of(
                        TagsUtil.PAYLOAD_TYPE_TAG, payloadType.getSimpleName(), TagsUtil.PROCESSOR_NAME_TAG, processor)),
                EventProcessorLatencyMonitor.builder().meterNamePrefix(EVENT_PROCESSOR).meterRegistry(registry)
                        .tagsBuilder(message -> Tags.of(TagsUtil.PROCESSOR_NAME_TAG, processor)).build()));
    }

    private static MessageMonitor<Message<?>> bus(MeterRegistry registry, String name) {
        return new PayloadMeters(name, registry, payloadType -> Tags.of(TagsUtil.PAYLOAD_TYPE_TAG, payloadType.getSimpleName()));
    }
}
