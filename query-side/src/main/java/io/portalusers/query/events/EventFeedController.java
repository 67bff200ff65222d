package io.portalusers.query.events;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.problem.RuleViolationException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * The pull feed: the log's events after a position as CloudEvents, the same messages the
 * webhooks deliver, for systems that would rather read than be called. Who reads what is the
 * audit export's rule (R-AUD-1): Portal Admins and audit:read machine clients every event, an
 * Org Admin its own organization's. A consumer keeps the {@code Feed-Position} of its last
 * answer and asks {@code after} it; asking from an older position replays.
 *
 * <p>With {@code wait}, an answer that would be empty waits up to that long for an event
 * (long polling), reading the log a few times a second and holding no database connection
 * between reads. At most {@code portal.events.feed.waiting} requests wait at once per node;
 * past that an empty answer comes at once, and the consumer simply asks again.
 */
@RestController
class EventFeedController {

    static final String POSITION_HEADER = "Feed-Position";
    private static final int MAX_LIMIT = 1000;
    private static final Duration POLL = Duration.ofMillis(200);

    private final EventFeed feed;
    private final CloudEventMessages messages;
    private final Duration maxWait;
    private final Semaphore waiting;

    EventFeedController(EventFeed feed, CloudEventMessages messages,
                        @Value("${portal.events.feed.max-wait}") Duration maxWait,
                        @Value("${portal.events.feed.waiting}") int waiting) {
        this.feed = feed;
        this.messages = messages;
        this.maxWait = maxWait;
        this.waiting = new Semaphore(waiting);
    }

    @GetMapping(path = "/api/events")
    ResponseEntity<byte[]> events(AuditReader reader,
                                  @RequestParam(defaultValue = "0") long after,
                                  @RequestParam(defaultValue = "100") int limit,
                                  @RequestParam(required = false) UUID organization,
                                  @RequestParam(defaultValue = "0") int wait) throws InterruptedException {
        if (!reader.readsEverything() && (organization == null
                || !reader.administeredOrganizations().contains(new OrganizationId(organization)))) {
            throw RuleViolationException.forbidden("R-AUD-1",
                    "Portal Admins read the feed; an Org Admin reads its own organization's events");
        }
        if (after < 0) {
            throw new InvalidValueException("after", "must be a position, 0 or more");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidValueException("limit", "must be from 1 to " + MAX_LIMIT);
        }
        if (wait < 0 || wait > maxWait.toSeconds()) {
            throw new InvalidValueException("wait", "must be from 0 to " + maxWait.toSeconds() + " seconds");
        }
        EventFeed.Filter filter = organization == null ? EventFeed.Filter.ALL
                : EventFeed.Filter.organization(new OrganizationId(organization), ReaderScope.of(reader));
        EventFeed.Page page = feed.read(filter, after, limit);
        if (page.entries().isEmpty() && wait > 0 && waiting.tryAcquire()) {
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
                while (page.entries().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(POLL.toMillis());
                    page = feed.read(filter, page.position(), limit);
                }
            } finally {
                waiting.release();
            }
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(CloudEventMessages.BATCH_MEDIA_TYPE))
                .header(POSITION_HEADER, Long.toString(page.position()))
                .body(messages.batch(page.entries()));
    }
}
