package io.portalusers.query.webhooks;

import io.portalusers.query.events.CloudEventMessages;
import io.portalusers.query.events.EventFeed;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Webhook delivery runs on every query-side node; the subscriptions' leases keep each on one node at a time. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration {

    @Bean
    WebhookDispatcher webhookDispatcher(WebhookSubscriptions subscriptions, EventFeed feed, CloudEventMessages messages,
                                        WebhookTargets targets, WebhookProperties properties) {
        return new WebhookDispatcher(subscriptions, feed, messages, targets, properties);
    }
}
