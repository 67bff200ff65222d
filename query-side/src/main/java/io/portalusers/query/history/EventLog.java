package io.portalusers.query.history;

import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

import java.util.List;

/** Reads an aggregate's events from the event store itself: history never comes from a projection. */
@Component
class EventLog {

    private final EventStore events;

    EventLog(EventStore events) {
        this.events = events;
    }

    /** Every event of the aggregate in order; empty when there is none. */
    List<RecordedEvent> of(String aggregateId) {
        // From sequence 0 explicitly: readEvents(id) alone would start at a snapshot, were there one.
        return events.readEvents(aggregateId, 0).asStream().map(RecordedEvent::of).toList();
    }
}
