package io.portalusers.query.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * A user's history (R-AUD-1) and the account as it was at an instant (R-AUD-2), both from the
 * event store. Portal Admins and audit:read machine clients read every user's in full. An Org
 * Admin reads a user's past while it was a member of an organization it administers: the
 * events from the one that made it a member (included) to the one that ended the membership
 * (included), and the account at the instants in between; this holds for users who have left
 * as for those who joined from elsewhere. A user who may see the account but not audit it
 * (its owner) gets a 403, anyone else a 404, as for {@code GET /api/users/{id}}. Such an Org
 * Admin sees the memberships in its organizations only (R-SEARCH-5): the entries and the
 * account leave out the others, and a memberships change in other organizations alone is
 * no entry of its history, as the events outside the membership are not.
 */
@RestController
class UserHistoryController {

    private static final String WHO_READS =
            "a user's history is read by Portal Admins and by the Org Admins of its organizations while it was a member";

    private static final MediaType JSON_LINES = MediaType.parseMediaType("application/x-ndjson");

    private final EventLog log;
    private final ObjectMapper json;

    UserHistoryController(EventLog log, ObjectMapper json) {
        this.log = log;
        this.json = json;
    }

    @GetMapping(path = "/api/users/{id}/history", params = "!format", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<HistoryEntry> history(AuditReader reader, @PathVariable UUID id,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "20") int size) {
        Page.Request request = Page.request(page, size);
        Visible visible = visible(reader, id);
        return request.of(visible.entries(request.offset(), request.offset() + request.size()), visible.total());
    }

    /**
     * The whole history in one answer, an entry a line (JSON Lines), for auditors and tools that
     * want all of it: the same entries as the pages, read and folded once.
     */
    @GetMapping(path = "/api/users/{id}/history", params = "format")
    ResponseEntity<StreamingResponseBody> fullHistory(AuditReader reader, @PathVariable UUID id,
                                                      @RequestParam String format) {
        if (!"jsonl".equals(format)) {
            throw new InvalidValueException("format", "must be jsonl (or absent for pages of JSON)");
        }
        List<HistoryEntry> entries = entries(reader, id);
        StreamingResponseBody body = out -> {
            for (HistoryEntry entry : entries) {
                out.write(json.writeValueAsBytes(entry));
                out.write('\n');
            }
        };
        return ResponseEntity.ok().contentType(JSON_LINES).body(body);
    }

    /** Every entry of the user's history that the reader sees. */
    List<HistoryEntry> entries(AuditReader reader, UUID id) {
        return visible(reader, id).entries(0, Long.MAX_VALUE);
    }

    /** What the reader sees of a user's history, read and folded once. */
    private Visible visible(AuditReader reader, UUID id) {
        List<RecordedEvent> events = log.of(id.toString());
        Audit audit = auditable(reader, id, events);
        return new Visible(log, events, audit,
                IntStream.range(0, events.size()).filter(audit::visible).boxed().toList());
    }

    /** The positions of the events the reader sees; its entries are made only for those asked for. */
    private record Visible(EventLog log, List<RecordedEvent> events, Audit audit, List<Integer> positions) {

        long total() {
            return positions.size();
        }

        List<HistoryEntry> entries(long from, long to) {
            ActorNames actors = new ActorNames(log);
            List<HistoryEntry> entries = new ArrayList<>();
            for (long i = from; i < Math.min(positions.size(), to); i++) {
                int at = positions.get((int) i);
                entries.add(HistoryEntry.of(events.get(at), at == 0 ? null : audit.versions().get(at - 1),
                        audit.versions().get(at), actors));
            }
            return entries;
        }
    }

    /** Folds the events in order up to and including the instant; the version is that of the last one folded. */
    @GetMapping(path = "/api/users/{id}", params = "at", produces = MediaType.APPLICATION_JSON_VALUE)
    UserVersion at(AuditReader reader, @PathVariable UUID id, @RequestParam("at") String at) {
        Instant instant = instant(at);
        Audit audit = auditable(reader, id, log.of(id.toString()));
        UserVersion then = null;
        for (UserVersion version : audit.versions()) {
            if (version.updatedAt().isAfter(instant)) {
                break;
            }
            then = version;
        }
        if (then == null) {
            throw new NotFoundException("the user did not exist yet at that instant");
        }
        if (!audit.everything() && !audit.member(then)) {
            throw RuleViolationException.forbidden("R-AUD-1",
                    "at that instant the user was not a member of an organization you administer");
        }
        return then.seenAt(instant);
    }

    /**
     * What of a user's record the reader may see: all of it, or the events around its
     * memberships in the organizations the reader administers. {@code versions} are the user's
     * versions after each event as the reader sees them (R-SEARCH-5).
     */
    private record Audit(List<RecordedEvent> events, List<UserVersion> versions, boolean everything,
                         Set<OrganizationId> organizations) {

        boolean member(UserVersion version) {
            return version.memberships().stream().anyMatch(m -> organizations.contains(m.organizationId()));
        }

        /**
         * An event is visible when the user was such a member just before it or just after it,
         * unless it changed only memberships the reader does not see.
         */
        boolean visible(int event) {
            if (everything) {
                return true;
            }
            boolean whileMember = member(versions.get(event)) || (event > 0 && member(versions.get(event - 1)));
            return whileMember && !(event > 0 && events.get(event).payload() instanceof MembershipsChanged
                    && versions.get(event).memberships().equals(versions.get(event - 1).memberships()));
        }
    }

    /** The user's version after each event, once the reader may audit at least part of the user's record. */
    private static Audit auditable(AuditReader reader, UUID id, List<RecordedEvent> events) {
        ReaderScope scope = ReaderScope.of(reader);
        List<UserVersion> versions = UserVersion.after(events).stream().map(version -> version.seenBy(scope)).toList();
        if (versions.isEmpty()) {
            throw new NotFoundException("no such user");
        }
        Audit audit = new Audit(events, versions, reader.readsEverything(), reader.administeredOrganizations());
        if (IntStream.range(0, versions.size()).anyMatch(audit::visible)) {
            return audit;
        }
        if (reader.userId().filter(self -> self.value().equals(id)).isPresent()) {
            throw RuleViolationException.forbidden("R-AUD-1", WHO_READS);
        }
        throw new NotFoundException("no such user");
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidValueException("at", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
