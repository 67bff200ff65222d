package io.portalusers.query.webhooks;

import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.request.RequestMetadata;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Webhook subscriptions, for Portal Admins only (R-HOOK-1): register one (a URL, the event
 * types, a secret given or drawn here and shown once), list them with how far each is
 * delivered and whether it is paused and why, read each one's attempts, resume a paused one,
 * delete one. Each change is recorded with its caller in the audit record of commands.
 */
@RestController
class WebhooksController {

    static final String RULE = "R-HOOK-1";
    private static final Pattern TYPE = Pattern.compile("io\\.portalusers\\.[a-z0-9-]{1,60}\\.[a-z0-9-]{1,60}");
    private static final int MAX_TYPES = 100;

    private final WebhookSubscriptions subscriptions;
    private final WebhookTargets targets;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    WebhooksController(WebhookSubscriptions subscriptions, WebhookTargets targets, JdbcClient jdbc,
                       TransactionTemplate transactions) {
        this.subscriptions = subscriptions;
        this.targets = targets;
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * @param organization when given, only this organization's events as its Org Admin reads them (its own,
     *                     and its members' while they are members, with their memberships elsewhere left out)
     * @param after the position to deliver after; by default the log's end, so that only the
     *              events from now on go out (0 delivers the whole log)
     */
    record SubscriptionRequest(String url, List<String> eventTypes, UUID organization, String secret, String description,
                        Long after) {
    }

    /** A subscription as it is shown: never its secret, but once, when it is registered. */
    record SubscriptionView(UUID id, String url, List<String> eventTypes, UUID organization, String description, String createdBy, Instant createdAt,
                String state, long position, Instant lastDeliveredAt, int failures, Instant failingSince,
                Instant nextAttemptAt, Instant pausedAt, String pausedReason, String secret) {

        static SubscriptionView of(WebhookSubscriptions.Subscription s, String secret) {
            return new SubscriptionView(s.id(), s.url().toString(), s.eventTypes(), s.organization(), s.description(), s.createdBy(), s.createdAt(),
                    s.state().name(), s.position(), s.lastDeliveredAt(), s.failures(), s.failingSince(),
                    s.state() == WebhookSubscriptions.State.ACTIVE ? s.nextAttemptAt() : null, s.pausedAt(),
                    s.pausedReason(), secret);
        }
    }

    @PostMapping(path = "/api/admin/webhooks", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SubscriptionView> register(Actor actor, @RequestBody SubscriptionRequest body) {
        requirePortalAdmin(actor);
        URI url = targets.accept(body.url());
        List<String> types = types(body.eventTypes());
        WebhookSecret secret = body.secret() == null ? WebhookSecret.generate() : WebhookSecret.parse(body.secret(), "secret");
        if (body.description() != null && body.description().length() > 500) {
            throw new InvalidValueException("description", "must be at most 500 characters");
        }
        if (body.after() != null && body.after() < 0) {
            throw new InvalidValueException("after", "must be a position, 0 or more");
        }
        if (body.organization() != null && jdbc.sql("select count(*) from organization_view where organization_id = ?")
                .param(body.organization()).query(Long.class).single() == 0) {
            throw RuleViolationException.unprocessable(RULE, "organization", "no such organization");
        }
        UUID id = UUID.randomUUID();
        transactions.executeWithoutResult(status -> {
            long after = body.after() != null ? body.after() : jdbc.sql(
                    "select coalesce(max(globalindex), 0) from domainevententry").query(Long.class).single();
            subscriptions.create(id, url, types, body.organization(), secret, body.description(), actor.userId().toString(), after);
            audit(actor, "RegisterWebhook", id);
        });
        SubscriptionView view = SubscriptionView.of(subscriptions.find(id).orElseThrow(), secret.text());
        return ResponseEntity.created(URI.create("/api/admin/webhooks/" + id)).body(view);
    }

    @GetMapping(path = "/api/admin/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
    List<SubscriptionView> list(Actor actor) {
        requirePortalAdmin(actor);
        return subscriptions.all().stream().map(s -> SubscriptionView.of(s, null)).toList();
    }

    @GetMapping(path = "/api/admin/webhooks/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    SubscriptionView get(Actor actor, @PathVariable UUID id) {
        requirePortalAdmin(actor);
        return SubscriptionView.of(find(id), null);
    }

    /** The subscription's attempts, newest first; {@code before} an attempt's id pages on, {@code failed=true} only failures. */
    @GetMapping(path = "/api/admin/webhooks/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    List<WebhookSubscriptions.Attempt> deliveries(Actor actor, @PathVariable UUID id,
                                                  @RequestParam(required = false) Long before,
                                                  @RequestParam(defaultValue = "100") int limit,
                                                  @RequestParam(required = false) Boolean failed) {
        requirePortalAdmin(actor);
        if (limit < 1 || limit > 1000) {
            throw new InvalidValueException("limit", "must be from 1 to 1000");
        }
        find(id);
        return subscriptions.attempts(id, before, limit, failed);
    }

    /** Delivers a paused subscription again, from the event it stopped at. */
    @PostMapping(path = "/api/admin/webhooks/{id}/resume", produces = MediaType.APPLICATION_JSON_VALUE)
    SubscriptionView resume(Actor actor, @PathVariable UUID id) {
        requirePortalAdmin(actor);
        transactions.executeWithoutResult(status -> {
            if (!subscriptions.resume(id)) {
                throw new NotFoundException("no such webhook subscription");
            }
            audit(actor, "ResumeWebhook", id);
        });
        return SubscriptionView.of(find(id), null);
    }

    @DeleteMapping(path = "/api/admin/webhooks/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        requirePortalAdmin(actor);
        transactions.executeWithoutResult(status -> {
            if (!subscriptions.delete(id)) {
                throw new NotFoundException("no such webhook subscription");
            }
            audit(actor, "DeleteWebhook", id);
        });
        return ResponseEntity.noContent().build();
    }

    private WebhookSubscriptions.Subscription find(UUID id) {
        return subscriptions.find(id).orElseThrow(() -> new NotFoundException("no such webhook subscription"));
    }

    private static List<String> types(List<String> given) {
        if (given == null || given.isEmpty() || given.size() > MAX_TYPES) {
            throw new InvalidValueException("eventTypes", "must list 1 to " + MAX_TYPES + " event types");
        }
        for (String type : given) {
            if (type == null || !TYPE.matcher(type).matches()) {
                throw new InvalidValueException("eventTypes", "each must be an event type such as io.portalusers.user.created");
            }
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    private void audit(Actor actor, String command, UUID subscription) {
        jdbc.sql("""
                        insert into command_audit (recorded_at, actor_id, command, target_id, correlation_id, reason, outcome)
                        values (now(), ?, ?, ?, ?, ?, 'ACCEPTED')""")
                .params(actor.userId().toString(), command, subscription.toString(),
                        RequestMetadata.currentCorrelationId(), RequestMetadata.currentReason().orElse(null))
                .update();
    }

    private static void requirePortalAdmin(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw RuleViolationException.forbidden(RULE, "only a Portal Admin manages webhook subscriptions");
        }
    }
}
