package io.portalusers.query.webhooks;

import io.cloudevents.CloudEvent;
import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.query.events.CloudEventMessages;
import io.portalusers.query.events.EventFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers each subscription's events, one at a time in the log's order (so in order per user),
 * each as a signed CloudEvent POSTed to its URL. A subscription moves on only once its receiver
 * answered 2xx; any other answer, no answer within the timeout, or a refused address is a
 * failure: the same event is tried again after a back-off, with the same {@code webhook-id}
 * (at least once: a receiver deduplicates by it), and the subscription is paused, never dropped,
 * when it keeps failing. Each attempt is recorded.
 *
 * <p>Every {@code poll-interval} a node takes the lease of each due subscription no node holds
 * and delivers it on one of its {@code threads}; the position is written after every
 * acknowledged event. A node that stops (or dies) mid-delivery leaves the position at the last
 * acknowledged event: the next delivery repeats at most the one in flight.
 */
class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final String USER_AGENT = "portal-users-webhooks";

    private final WebhookSubscriptions subscriptions;
    private final EventFeed feed;
    private final CloudEventMessages messages;
    private final WebhookTargets targets;
    private final WebhookProperties properties;
    private final String node = "webhooks-" + UUID.randomUUID();
    private final Set<UUID> delivering = ConcurrentHashMap.newKeySet();
    private final HttpClient http;
    private ScheduledExecutorService rounds;
    private ExecutorService workers;
    private volatile Instant lastCleanup = Instant.EPOCH;

    WebhookDispatcher(WebhookSubscriptions subscriptions, EventFeed feed, CloudEventMessages messages,
                      WebhookTargets targets, WebhookProperties properties) {
        this.subscriptions = subscriptions;
        this.feed = feed;
        this.messages = messages;
        this.targets = targets;
        this.properties = properties;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Seals the secrets kept in clear by a version before first (once: a second node, or a
     * second start, finds none left), then delivers.
     */
    @Override
    public synchronized void start() {
        int sealed = subscriptions.sealClearSecrets();
        if (sealed > 0) {
            log.info("Sealed the signing secrets of {} webhook subscriptions kept in clear", sealed);
        }
        AtomicInteger count = new AtomicInteger();
        workers = Executors.newFixedThreadPool(properties.threads(), runnable -> daemon(runnable,
                "webhook-delivery-" + count.incrementAndGet()));
        rounds = Executors.newSingleThreadScheduledExecutor(runnable -> daemon(runnable, "webhook-rounds"));
        long interval = properties.pollInterval().toMillis();
        rounds.scheduleWithFixedDelay(this::roundQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Stops taking subscriptions, interrupts the deliveries under way (their event is not
     * acknowledged, so it goes again) and waits a moment for them to hand their leases back, so
     * that a restarted node goes on at once rather than after the lease.
     */
    @Override
    public synchronized void stop() {
        if (rounds == null) {
            return;
        }
        rounds.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rounds = null;
        workers = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return rounds != null;
    }

    private void roundQuietly() {
        try {
            round();
        } catch (RuntimeException e) {
            log.warn("Webhook round failed ({}); the next round tries again", e.getClass().getSimpleName());
        }
    }

    void round() {
        for (UUID id : subscriptions.due()) {
            if (delivering.add(id)) {
                try {
                    workers.execute(() -> {
                        try {
                            deliver(id);
                        } catch (RuntimeException e) {
                            log.warn("Webhook delivery of {} failed ({}); it is tried again", id, e.getClass().getSimpleName());
                        } finally {
                            delivering.remove(id);
                        }
                    });
                } catch (RejectedExecutionException stopping) {
                    delivering.remove(id);
                }
            }
        }
        if (lastCleanup.isBefore(Instant.now().minus(Duration.ofMinutes(1)))) {
            lastCleanup = Instant.now();
            subscriptions.forgetAttemptsBefore(properties.keepAttempts());
        }
    }

    /** A turn of one subscription: up to {@code batch} of its events, until one fails or none is left. */
    private void deliver(UUID id) {
        WebhookSubscriptions.Subscription subscription = subscriptions.claim(id, node, properties.lease()).orElse(null);
        if (subscription == null) {
            return;
        }
        try {
            long position = subscription.position();
            int delivered = 0;
            while (delivered < properties.batch() && !Thread.currentThread().isInterrupted()) {
                long from = position;
                EventFeed.Page page = feed.read(filter(subscription), from, properties.batch());
                for (EventFeed.Entry entry : page.entries()) {
                    CloudEvent event = messages.of(entry);
                    if (!subscription.eventTypes().contains(event.getType())) {
                        continue;
                    }
                    if (!attempt(subscription, entry, event)
                            || !subscriptions.advance(id, node, entry.position(), true, properties.lease())) {
                        return;
                    }
                    position = entry.position();
                    delivered++;
                }
                if (page.position() == from) {
                    return;
                }
                if (page.position() > position) {
                    // past the events not of its types too, so that they are not read again
                    if (!subscriptions.advance(id, node, page.position(), false, properties.lease())) {
                        return;
                    }
                    position = page.position();
                }
            }
        } finally {
            subscriptions.release(id, node);
        }
    }

    /**
     * What the subscription receives: every event, or one organization's as its Org Admin reads
     * them, memberships in other organizations left out (R-SEARCH-5).
     */
    private static EventFeed.Filter filter(WebhookSubscriptions.Subscription subscription) {
        if (subscription.organization() == null) {
            return EventFeed.Filter.ALL;
        }
        OrganizationId organization = new OrganizationId(subscription.organization());
        return EventFeed.Filter.organization(organization, ReaderScope.ofOrganization(organization));
    }

    /** One POST of the event; true when the receiver acknowledged it, else the failure is recorded. */
    private boolean attempt(WebhookSubscriptions.Subscription subscription, EventFeed.Entry entry, CloudEvent event) {
        byte[] body = messages.json(event);
        long started = System.nanoTime();
        Integer status = null;
        String error = targets.refusal(subscription.url());
        if (error == null) {
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(subscription.url())
                    .timeout(properties.timeout())
                    .header("Content-Type", CloudEventMessages.MEDIA_TYPE)
                    .header("User-Agent", USER_AGENT)
                    .header("webhook-id", event.getId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", subscription.secret().sign(event.getId(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                // the answer's body is not read: a receiver that streams one cannot hold the delivery
                response.body().close();
                status = response.statusCode();
                if (status < 200 || status > 299) {
                    error = "answered " + status;
                }
            } catch (IOException e) {
                // the class only: a message may quote the receiver's answer
                error = e.getClass().getSimpleName();
            } catch (InterruptedException stopping) {
                // the node stops: not the receiver's failure. The event goes again (same id) when
                // delivery goes on; the interrupt is not passed on, so that the lease is handed back
                return false;
            }
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        boolean ok = error == null;
        subscriptions.record(subscription.id(), event.getId(), entry.position(), event.getType(), millis, status, error, ok);
        if (!ok) {
            int failures = subscription.failures() + 1;
            boolean paused = subscriptions.failed(subscription.id(), node, properties.backOff(failures),
                    properties.pause().afterFailures(), properties.pause().afterFailingFor(),
                    "failed " + failures + " times in a row, last: " + error);
            if (paused) {
                log.warn("Webhook subscription {} paused after {} failures in a row; its events wait until it is resumed",
                        subscription.id(), failures);
            }
        }
        return ok;
    }
}
