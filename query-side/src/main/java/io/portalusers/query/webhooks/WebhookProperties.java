package io.portalusers.query.webhooks;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How webhooks are delivered ({@code portal.webhooks.*}; defaults in query-side-defaults.properties).
 *
 * @param pollInterval how often a node looks for subscriptions with events to deliver
 * @param threads      subscriptions delivered at once per node, each on a thread of its own
 * @param batch        events one turn of a subscription delivers before it lets the others go first
 * @param timeout      how long a receiver has to answer (connecting included)
 * @param lease        how long a node holds a subscription it delivers without renewing; after a
 *                     node died, another takes it over this long after its last delivery
 * @param retry        back-off after a failed delivery: {@code initialInterval}, doubled on each
 *                     failure in a row, at most {@code maxInterval}
 * @param pause        a subscription is paused after {@code afterFailures} failures in a row or
 *                     after failing for {@code afterFailingFor}, whichever comes first
 * @param keepAttempts how long the record of each attempt is kept
 */
@ConfigurationProperties("portal.webhooks")
record WebhookProperties(Duration pollInterval, int threads, int batch, Duration timeout, Duration lease,
                         Retry retry, Pause pause, Duration keepAttempts) {

    WebhookProperties {
        if (threads < 1 || batch < 1 || timeout.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("portal.webhooks: need threads >= 1, batch >= 1 and timeout < lease");
        }
    }

    record Retry(Duration initialInterval, Duration maxInterval) {
    }

    record Pause(int afterFailures, Duration afterFailingFor) {
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    Duration backOff(int failures) {
        Duration wait = retry.initialInterval();
        for (int i = 1; i < failures && wait.compareTo(retry.maxInterval()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(retry.maxInterval()) > 0 ? retry.maxInterval() : wait;
    }
}
