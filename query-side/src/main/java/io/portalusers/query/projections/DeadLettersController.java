package io.portalusers.query.projections;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.ConflictException;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.request.RequestMetadata;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Portal Admins see what a processor has parked in its dead-letter queue, retry a parked
 * sequence (an aggregate's events) once its cause is fixed, or evict it with a reason
 * (R-AUD-3, like the read models themselves). {@code name} is a read model's processor or
 * {@code notifier}.
 */
@RestController
class DeadLettersController {

    private static final int MAX_PAGE = 200;

    private final DeadLetters deadLetters;

    DeadLettersController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** The parked sequences, longest parked first, each with its count of letters and the letter that failed. */
    @GetMapping(path = "/api/admin/projections/{name}/dead-letters", produces = MediaType.APPLICATION_JSON_VALUE)
    DeadLetters.Listing list(Actor actor, @PathVariable String name,
                             @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        requirePortalAdmin(actor);
        requireQueue(name);
        if (limit < 1 || limit > MAX_PAGE) {
            throw RuleViolationException.malformed("page", "limit", "must be between 1 and " + MAX_PAGE);
        }
        if (offset < 0) {
            throw RuleViolationException.malformed("page", "offset", "must not be negative");
        }
        return deadLetters.list(name, limit, offset);
    }

    /** Every letter of one sequence, in the order a retry handles them. */
    @GetMapping(path = "/api/admin/projections/{name}/dead-letters/{sequenceId}",
            produces = MediaType.APPLICATION_JSON_VALUE)
    List<DeadLetters.Letter> sequence(Actor actor, @PathVariable String name, @PathVariable String sequenceId) {
        requirePortalAdmin(actor);
        requireQueue(name);
        List<DeadLetters.Letter> letters = deadLetters.sequence(name, sequenceId);
        if (letters.isEmpty()) {
            throw new NotFoundException("no such dead-letter sequence");
        }
        return letters;
    }

    /**
     * Handles the sequence now, in order: 200 with {@code processed: true} once it left the
     * queue; 409 (code {@code dead-letter-failed}) when it failed again and stays parked as it was.
     */
    @PostMapping(path = "/api/admin/projections/{name}/dead-letters/{sequenceId}/retry",
            produces = MediaType.APPLICATION_JSON_VALUE)
    DeadLetters.Retry retry(Actor actor, @PathVariable String name, @PathVariable String sequenceId) {
        requirePortalAdmin(actor);
        requireQueue(name);
        DeadLetters.Retry retry = deadLetters.retry(name, sequenceId)
                .orElseThrow(() -> new NotFoundException("no such dead-letter sequence"));
        if (!retry.processed()) {
            throw new ConflictException("dead-letter-failed", null, "the sequence failed again and stays parked: "
                    + (retry.failure() == null ? "" : retry.failure().type()));
        }
        return retry;
    }

    /**
     * Drops every letter of the sequence unhandled; the reason ({@code X-Reason}) is required
     * and recorded with the caller in the audit record of commands. 204; 404 when nothing is parked.
     */
    @DeleteMapping(path = "/api/admin/projections/{name}/dead-letters/{sequenceId}")
    ResponseEntity<Void> evict(Actor actor, @PathVariable String name, @PathVariable String sequenceId) {
        requirePortalAdmin(actor);
        requireQueue(name);
        String reason = RequestMetadata.currentReason().orElseThrow(() -> RuleViolationException.malformed(
                "R-AUD-3", RequestMetadata.REASON_HEADER, "an eviction needs a reason"));
        int evicted = deadLetters.evict(name, sequenceId, actor.userId().toString(),
                RequestMetadata.currentCorrelationId(), reason);
        if (evicted == 0) {
            throw new NotFoundException("no such dead-letter sequence");
        }
        return ResponseEntity.noContent().build();
    }

    private void requireQueue(String name) {
        if (!deadLetters.hasQueue(name)) {
            throw new NotFoundException("no dead-letter queue for this processor");
        }
    }

    private static void requirePortalAdmin(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw RuleViolationException.forbidden("R-AUD-3", "only a Portal Admin sees and handles dead letters");
        }
    }
}
