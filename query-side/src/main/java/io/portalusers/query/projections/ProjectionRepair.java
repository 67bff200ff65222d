package io.portalusers.query.projections;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.async.SequencingPolicy;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Folds an aggregate's events again into a projection's rows: what the reconciliation check
 * does with an aggregate whose row is behind the settled log (an event the processor skipped).
 * Each aggregate's whole stream, read from the event store through the upcasters, goes to the
 * processor's own event handlers in one unit of work and one transaction, as a processor batch
 * would; the handlers apply only events above the row's version (the guard that makes a
 * redelivery harmless), so the row ends as a replay from the start leaves it. The processor
 * itself is not stopped and its token does not move.
 *
 * <p>An aggregate whose events the processor parked in its dead-letter queue is behind on
 * purpose and is left to the queue's retry: refolded through the processor's handlers, each of
 * its events would only be parked once more (a round added its five events to the letters of a
 * sequence each time it came by).
 */
@Component
class ProjectionRepair {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRepair.class);

    private final EventProcessingConfiguration processing;
    private final EventStore events;
    private final TransactionManager transactions;

    ProjectionRepair(EventProcessingConfiguration processing, EventStore events, TransactionManager transactions) {
        this.processing = processing;
        this.events = events;
        this.transactions = transactions;
    }

    /** Refolds each aggregate; the number refolded (an aggregate that fails is logged and left for the next round). */
    int refold(String projection, List<String> aggregates) {
        EventHandlerInvoker handlers = processing.eventProcessor(projection, AbstractEventProcessor.class)
                .map(AbstractEventProcessor::eventHandlerInvoker)
                .orElseThrow(() -> new IllegalArgumentException("no processor " + projection));
        SequencedDeadLetterQueue<EventMessage<?>> parked = processing.deadLetterQueue(projection).orElse(null);
        SequencingPolicy<? super EventMessage<?>> sequencing = processing.sequencingPolicy(projection);
        int refolded = 0;
        for (String aggregate : aggregates) {
            try {
                List<DomainEventMessage<?>> stream = events.readEvents(aggregate).asStream()
                        .<DomainEventMessage<?>>map(event -> event).toList();
                if (stream.isEmpty() || isParked(parked, sequencing, stream.get(0))) {
                    continue;
                }
                DefaultUnitOfWork<DomainEventMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(stream.get(0));
                unitOfWork.attachTransaction(transactions);
                ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
                    for (DomainEventMessage<?> event : stream) {
                        if (handlers.canHandle(event, Segment.ROOT_SEGMENT)) {
                            handlers.handle(event, Segment.ROOT_SEGMENT);
                        }
                    }
                    return null;
                }, RollbackConfigurationType.ANY_THROWABLE);
                if (result.isExceptional()) {
                    throw new IllegalStateException(result.exceptionResult());
                }
                refolded++;
                log.warn("Projection {}: aggregate {} was behind the event log (a skipped event); refolded its {} events",
                        projection, aggregate, stream.size());
            } catch (RuntimeException e) {
                log.error("Projection {}: aggregate {} is behind the event log and could not be refolded",
                        projection, aggregate, e);
            }
        }
        return refolded;
    }

    /** Whether the processor's dead-letter queue ({@code queue}, null: it has none) holds the event's sequence. */
    private static boolean isParked(SequencedDeadLetterQueue<EventMessage<?>> queue,
                                    SequencingPolicy<? super EventMessage<?>> sequencing, EventMessage<?> event) {
        Object sequence = queue == null ? null : sequencing.getSequenceIdentifierFor(event);
        return sequence != null && queue.contains(sequence);
    }
}
