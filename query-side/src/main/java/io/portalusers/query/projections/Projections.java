package io.portalusers.query.projections;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.portalusers.platform.problem.ConflictException;
import io.portalusers.query.notifier.Notifier;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The read models as their streaming processors see them: where each stands against the
 * head of the event log, and a rebuild that replays the log into them from the start
 * (R-AUD-3). A processor's token commits with its rows, so a rebuild interrupted at any
 * point simply continues from where its token stands.
 */
@Component
class Projections {

    /** The problem code of a rebuild refused because other query nodes are alive. */
    static final String NEEDS_ONE_NODE = "rebuild-needs-one-node";

    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final JdbcClient jdbc;
    private final QueryNodes nodes;
    private final List<RebuildAside> asides;

    Projections(EventProcessingConfiguration processing, TokenStore tokens, JdbcClient jdbc, QueryNodes nodes,
                List<RebuildAside> asides) {
        this.processing = processing;
        this.tokens = tokens;
        this.jdbc = jdbc;
        this.nodes = nodes;
        this.asides = asides;
    }

    /**
     * @param swapPending a rebuild aside the read model is under way (its replay, or its swap once
     *                    the replay is done): readers still see the model as it was before the rebuild
     */
    record Status(String name, boolean running, boolean replaying, boolean caughtUp, boolean swapPending, long head,
                  Map<Integer, Long> positions, boolean error) {

        /** The lowest segment position over the head; 1.0 when every segment has reached it. */
        @JsonProperty
        public double progress() {
            return head == 0 ? 1.0 : Math.min(1.0, (double) lowestPosition() / head);
        }

        /** Events between the head of the log and the processor's lowest segment position. */
        long lag() {
            return Math.max(0, head - lowestPosition());
        }

        private long lowestPosition() {
            return positions.values().stream().mapToLong(Long::longValue).min().orElse(0);
        }
    }

    List<String> names() {
        return processing.eventProcessors().entrySet().stream()
                .filter(e -> e.getValue() instanceof StreamingEventProcessor streaming && streaming.supportsReset()
                        && isProjection(e.getKey()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    Optional<Status> status(String name) {
        return processor(name).map(processor -> {
            Map<Integer, Long> positions = new TreeMap<>();
            boolean error = false;
            for (Map.Entry<Integer, EventTrackerStatus> segment : processor.processingStatus().entrySet()) {
                OptionalLong position = segment.getValue().getCurrentPosition();
                positions.put(segment.getKey(), position.orElse(0));
                error |= segment.getValue().isErrorState();
            }
            // right after a (re)start not every segment is claimed yet: only all of them caught up counts;
            // and Axon's own flag says a segment has read what it saw, not that it reached the head
            long head = head();
            boolean allSegments = positions.size() == tokens.fetchSegments(name).length;
            boolean swapPending = asides.stream().anyMatch(aside -> aside.processor().equals(name) && aside.underWay());
            boolean caughtUp = allSegments && !positions.isEmpty() && !swapPending
                    && processor.processingStatus().values().stream().allMatch(EventTrackerStatus::isCaughtUp)
                    && positions.values().stream().allMatch(position -> position >= head);
            return new Status(name, processor.isRunning(), processor.isReplaying(), caughtUp, swapPending, head,
                    positions, error);
        });
    }

    /**
     * Stops the processor, moves its tokens back to the start of the log and starts it again;
     * its reset handler empties the read model first (the users view: starts tables aside it, which
     * readers see once the replay is done, see {@link RebuildAside}). Only on a node that is alone: another
     * live query node runs the same processor on the shared token table and would claim the
     * segments this node releases, before or after the reset, processing from the old position
     * into the emptied view. So with another node alive (its heartbeat or a fresh claim, see
     * {@link QueryNodes}) nothing is stopped and the rebuild is refused.
     *
     * @throws ConflictException {@value #NEEDS_ONE_NODE}, naming the other nodes
     */
    synchronized Optional<Status> rebuild(String name) {
        Optional<StreamingEventProcessor> found = processor(name);
        if (found.isPresent()) {
            List<String> others = nodes.othersRunning(name);
            if (!others.isEmpty()) {
                throw new ConflictException(NEEDS_ONE_NODE, null, ("a rebuild needs this query node to be the only one "
                        + "running; other live query nodes run %s: %s. Scale the query side to one node, rebuild, "
                        + "scale back (this node is %s)").formatted(name, String.join("; ", others), nodes.id()));
            }
        }
        found.ifPresent(processor -> {
            processor.shutDown();
            processor.resetTokens();
            processor.start();
        });
        return found.flatMap(processor -> status(name));
    }

    /** Read models only: a process (the registration saga) has side effects and cannot be replayed. */
    private Optional<StreamingEventProcessor> processor(String name) {
        return isProjection(name) ? processing.eventProcessor(name, StreamingEventProcessor.class)
                .filter(StreamingEventProcessor::supportsReset) : Optional.empty();
    }

    /** Read models only: the notifier sends emails, and its events must never be handled again. */
    private static boolean isProjection(String name) {
        return !Notifier.NAME.equals(name);
    }

    private long head() {
        return jdbc.sql("select coalesce(max(globalindex), 0) from domainevententry").query(Long.class).single();
    }
}
