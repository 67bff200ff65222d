package io.portalusers.query.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.UserCreated;
import io.portalusers.platform.actor.ReaderScope;
import io.portalusers.platform.axon.RenamedEvents;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The event log read from a position on, for the pull feed and the webhooks: every event, or
 * an organization's as the audit export shows them (its own, and its members' while they
 * were members, their memberships as the reader may see them, R-SEARCH-5).
 *
 * <p>Events are deserialized through Axon's event serializer and upcaster chain, as
 * aggregates and processors read them, never copied from the stored JSON: what the serializer
 * makes of a stored payload (a former class name, a field it no longer shows) is what goes out.
 *
 * <p>Positions are the log's global index. An append still open holds an index that is not
 * visible yet, and commits after later ones; a reader that moved past it would never see it.
 * So a page ends before the first missing index whose next event is younger than
 * {@code portal.events.gap-timeout} (appends commit well within it, see EventAppendBound); a
 * missing index older than that is an append that rolled back, and is passed.
 */
@Component
public class EventFeed {

    /** Indices looked at per read for missing ones; a page never reaches further than this. */
    static final int SCAN = 2_000;
    private static final List<String> MEMBERSHIP_EVENTS = Stream.of(UserCreated.class, MembershipsChanged.class)
            .flatMap(type -> RenamedEvents.storedNames(type).stream()).toList();
    private static final String COLUMNS = """
            select globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, timestamp,
                   payloadtype, payloadrevision, payload, metadata
            from domainevententry""";
    private static final String MEMBERS = """
            aggregateidentifier in (select aggregateidentifier from domainevententry where type = 'User'
                and payloadtype in (:membershipEvents) and strpos(convert_from(payload, 'UTF8'), :organization) > 0)""";

    private final NamedParameterJdbcTemplate jdbc;
    private final Serializer serializer;
    private final EventUpcaster upcasters;
    private final ObjectMapper json;
    private final Duration gapTimeout;

    EventFeed(NamedParameterJdbcTemplate jdbc, @Qualifier("eventSerializer") Serializer serializer,
              org.axonframework.config.Configuration axon, ObjectMapper json,
              @Value("${portal.events.gap-timeout}") Duration gapTimeout) {
        this.jdbc = jdbc;
        this.serializer = serializer;
        this.upcasters = axon.upcasterChain();
        this.json = json;
        this.gapTimeout = gapTimeout;
    }

    /** One event as it goes out: its position, the message, and its payload as the reader sees it. */
    public record Entry(long position, DomainEventMessage<?> message, JsonNode payload) {
    }

    /** Up to a page of entries, and the position to read on from (past the events left out too). */
    public record Page(List<Entry> entries, long position) {
    }

    /** Whose events: all, or one organization's as {@code scope} sees them. */
    public sealed interface Filter {
        Filter ALL = new All();

        static Filter organization(OrganizationId organization, ReaderScope scope) {
            return new Organization(organization, scope);
        }
    }

    private record All() implements Filter {
    }

    private record Organization(OrganizationId organization, ReaderScope scope) implements Filter {
    }

    /** Up to {@code limit} events after {@code after}, as {@code filter} shows them. */
    public Page read(Filter filter, long after, int limit) {
        long horizon = horizon(after);
        if (horizon <= after) {
            return new Page(List.of(), after);
        }
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("after", after).addValue("horizon", horizon).addValue("limit", limit);
        StringBuilder sql = new StringBuilder(COLUMNS).append(" where globalindex > :after and globalindex <= :horizon");
        Organization organization = filter instanceof Organization o ? o : null;
        if (organization != null) {
            String id = organization.organization().toString();
            sql.append(" and (aggregateidentifier = :organization or ").append(MEMBERS).append(')');
            params.addValue("organization", id).addValue("membershipEvents", MEMBERSHIP_EVENTS);
        }
        sql.append(" order by globalindex limit :limit");
        List<TrackedEventData<byte[]>> rows = jdbc.query(sql.toString(), params, (rs, n) -> data(rs));
        // a full page ends at its last row (an upcaster may leave a row out of the messages); a shorter one
        // read everything up to the horizon
        long position = rows.size() < limit ? horizon
                : rows.get(rows.size() - 1).trackingToken().position().orElseThrow();
        List<TrackedEventMessage<?>> messages = deserialize(rows);
        List<Entry> entries = new ArrayList<>();
        Window window = organization == null ? null : window(organization, after);
        for (TrackedEventMessage<?> message : messages) {
            DomainEventMessage<?> event = (DomainEventMessage<?>) message;
            JsonNode payload = window == null ? json.valueToTree(event.getPayload()) : window.shown(event);
            if (payload != null) {
                entries.add(new Entry(position(message), event, payload));
            }
        }
        return new Page(entries, position);
    }

    /** The last index after {@code after} that no append still open can come before. */
    private long horizon(long after) {
        Instant young = Instant.now().minus(gapTimeout);
        long[] horizon = {after};
        boolean[] stopped = {false};
        jdbc.query("select globalindex, timestamp from domainevententry where globalindex > :after "
                        + "order by globalindex limit " + SCAN, Map.of("after", after), rs -> {
            if (stopped[0]) {
                return;
            }
            long index = rs.getLong(1);
            if (index != horizon[0] + 1 && DateTimeUtils.parseInstant(rs.getString(2)).isAfter(young)) {
                stopped[0] = true;
                return;
            }
            horizon[0] = index;
        });
        return horizon[0];
    }

    private static TrackedEventData<byte[]> data(ResultSet rs) throws SQLException {
        return new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(rs.getLong("globalindex")),
                new GenericDomainEventEntry<>(rs.getString("type"), rs.getString("aggregateidentifier"),
                        rs.getLong("sequencenumber"), rs.getString("eventidentifier"), rs.getString("timestamp"),
                        rs.getString("payloadtype"), rs.getString("payloadrevision"),
                        rs.getBytes("payload"), rs.getBytes("metadata")));
    }

    private List<TrackedEventMessage<?>> deserialize(List<TrackedEventData<byte[]>> rows) {
        return EventUtils.upcastAndDeserializeTrackedEvents(rows.stream(), serializer, upcasters).toList();
    }

    private static long position(TrackedEventMessage<?> message) {
        return message.trackingToken().position().orElseThrow();
    }

    /** The organization's members as of {@code after}, from their membership events up to there. */
    private Window window(Organization organization, long after) {
        Window window = new Window(organization.organization(), organization.scope());
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("after", after).addValue("organization", organization.organization().toString())
                .addValue("membershipEvents", MEMBERSHIP_EVENTS);
        List<TrackedEventMessage<?>> earlier = deserialize(jdbc.query(COLUMNS
                + " where globalindex <= :after and payloadtype in (:membershipEvents) and " + MEMBERS
                + " order by globalindex", params, (rs, n) -> data(rs)));
        earlier.forEach(message -> window.shown((DomainEventMessage<?>) message));
        return window;
    }

    /**
     * An organization's view, as the audit export's: its own events, and a user's from the
     * event that made it a member to the one that ended it (both included), of the user's
     * memberships those the reader sees, a memberships change of none of those left out.
     */
    private final class Window {

        private final OrganizationId organization;
        private final ReaderScope scope;
        private final Map<String, Boolean> member = new HashMap<>();
        private final Map<String, JsonNode> shown = new HashMap<>();

        Window(OrganizationId organization, ReaderScope scope) {
            this.organization = organization;
            this.scope = scope;
        }

        /** The event's payload as the reader sees it, or null when the organization does not show it. */
        JsonNode shown(DomainEventMessage<?> event) {
            String aggregate = event.getAggregateIdentifier();
            if (aggregate.equals(organization.toString())) {
                return json.valueToTree(event.getPayload());
            }
            List<Membership> memberships = memberships(event.getPayload());
            boolean before = member.getOrDefault(aggregate, false);
            if (memberships == null) {
                return before ? json.valueToTree(event.getPayload()) : null;
            }
            boolean after = memberships.stream().anyMatch(m -> m.organizationId().equals(organization));
            member.put(aggregate, after);
            ObjectNode payload = json.valueToTree(event.getPayload());
            boolean seenChange = true;
            UUID user = UUID.fromString(aggregate);
            if (!scope.seesAllOf(user)) {
                ArrayNode seen = json.createArrayNode();
                scope.memberships(user, memberships).forEach(m -> seen.add(json.valueToTree(m)));
                payload.set("memberships", seen);
                seenChange = !seen.equals(shown.put(aggregate, seen));
            }
            return (before || after) && seenChange ? payload : null;
        }

        private static List<Membership> memberships(Object payload) {
            if (payload instanceof UserCreated created) {
                return created.memberships();
            }
            if (payload instanceof MembershipsChanged changed) {
                return changed.memberships();
            }
            return null;
        }
    }
}
