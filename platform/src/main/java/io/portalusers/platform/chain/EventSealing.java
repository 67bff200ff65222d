package io.portalusers.platform.chain;

import io.portalusers.platform.PeriodicTask;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** Seals the event log every {@code portal.audit.chain.interval}, on every node: the advisory lock lets one at a time. */
@Configuration(proxyBeanMethods = false)
class EventSealing {

    @Bean
    PeriodicTask eventSealer(EventChain chain, @Value("${portal.audit.chain.interval}") Duration interval) {
        return new PeriodicTask("event-sealer", interval, interval, chain::sealSettled);
    }
}
