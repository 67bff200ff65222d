package io.portalusers.query.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.portalusers.platform.axon.RenamedEvents;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.eventhandling.DomainEventMessage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;

/**
 * An event of the log as a CloudEvents 1.0 message in its JSON format, the same in the feed
 * and in a webhook's delivery: {@code id} the event's identifier (the same on every read and
 * every retry, for deduplication), {@code type} {@code io.portalusers.<aggregate>.<event>}
 * (a {@code UserCreated} of a user is {@code io.portalusers.user.created}, its
 * {@code MembershipsChanged} {@code io.portalusers.user.memberships-changed}), {@code subject}
 * the aggregate's id (the user's, the organization's), {@code time} when it happened, the payload
 * as {@code data}, and the extensions {@code position} (the log's global index, as text: the
 * feed's {@code after}) and {@code actorid} (who caused it).
 */
@Component
public class CloudEventMessages {

    public static final String BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";
    public static final String MEDIA_TYPE = "application/cloudevents+json";
    private static final String TYPE_PREFIX = "io.portalusers.";

    private final URI source;
    private final JsonFormat format = new JsonFormat();

    CloudEventMessages(@Value("${portal.events.source}") URI source) {
        this.source = source;
    }

    public CloudEvent of(EventFeed.Entry entry) {
        DomainEventMessage<?> event = entry.message();
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.getIdentifier())
                .withSource(source)
                .withType(type(event.getType(), event.getPayloadType().getName()))
                .withSubject(event.getAggregateIdentifier())
                .withTime(event.getTimestamp().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(JsonCloudEventData.wrap(entry.payload()))
                .withExtension("position", Long.toString(entry.position()));
        Object actor = event.getMetaData().get(RequestMetadata.ACTOR_ID);
        if (actor != null) {
            builder.withExtension("actorid", actor.toString());
        }
        return builder.build();
    }

    /** One message in the structured JSON format. */
    public byte[] json(CloudEvent event) {
        return format.serialize(event);
    }

    /** Messages as a JSON batch (an array of them). */
    public byte[] batch(List<EventFeed.Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(json(of(entries.get(i))));
        }
        out.write(']');
        return out.toByteArray();
    }

    /**
     * {@code io.portalusers.} then the aggregate type and the event's class name in kebab case,
     * the aggregate's name left off the front of the event's where it starts with it.
     */
    public static String type(String aggregateType, String eventClass) {
        String current = RenamedEvents.currentName(eventClass);
        String event = kebab(current.substring(current.lastIndexOf('.') + 1));
        if (aggregateType == null) {
            return TYPE_PREFIX + event;
        }
        // an aggregate class named ...Aggregate to set it apart from its state's class is typed without it
        String aggregate = kebab(aggregateType.endsWith("Aggregate")
                ? aggregateType.substring(0, aggregateType.length() - "Aggregate".length()) : aggregateType);
        if (event.startsWith(aggregate + "-")) {
            event = event.substring(aggregate.length() + 1);
        }
        return TYPE_PREFIX + aggregate + "." + event;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
