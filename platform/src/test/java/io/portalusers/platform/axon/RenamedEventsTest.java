package io.portalusers.platform.axon;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portalusers.api.UserId;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserEnabled;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events stored under a class's former name, as rows of the event table hold them, read
 * through Axon's own deserialization with the upcaster: as an aggregate is loaded and as a
 * streaming processor reads the log.
 */
class RenamedEventsTest {

    private static final String FORMER = "io.portalusers.api.user.PublisherRoleChanged";
    private static final UserId USER = UserId.of("0d6c1c3e-8c1e-4a51-9a3b-2f6d7c1e9a10");

    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(JsonMapper.builder().findAndAddModules().build()).build();
    private final EventUpcasterChain upcasters = new EventUpcasterChain(new RenamedEvents());

    /** A row of the event table as the serializer of the time wrote it. */
    private DomainEventData<byte[]> stored(long sequence, String payloadType, String revision, String payload) {
        return new GenericDomainEventEntry<>("User", USER.toString(), sequence, "event-" + sequence,
                Instant.parse("2025-01-02T03:04:05.678Z"), payloadType, revision,
                payload.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(MetaData.with("actorId", "system"), byte[].class).getData());
    }

    private static String roleChange(Role role) {
        return "{\"userId\":\"" + USER + "\",\"role\":\"" + role + "\"}";
    }

    @Test
    void an_aggregate_loads_an_event_stored_under_the_former_name_as_the_current_class() {
        List<? extends DomainEventMessage<?>> events = EventStreamUtils.asStream(
                EventStreamUtils.upcastAndDeserializeDomainEvents(Stream.of(
                        stored(0, FORMER, null, roleChange(Role.PORTAL_ADMIN)),
                        stored(1, AccountRoleChanged.class.getName(), null, roleChange(Role.API_OWNER)),
                        stored(2, UserEnabled.class.getName(), null, "{\"userId\":\"" + USER + "\"}")),
                        serializer, upcasters)).toList();

        assertThat(events.stream().map(event -> (Object) event.getPayload())).containsExactly(
                new AccountRoleChanged(USER, Role.PORTAL_ADMIN),
                new AccountRoleChanged(USER, Role.API_OWNER),
                new UserEnabled(USER));
        assertThat(events).extracting(DomainEventMessage::getSequenceNumber).containsExactly(0L, 1L, 2L);
        assertThat(events.get(0).getIdentifier()).isEqualTo("event-0");
        assertThat(events.get(0).getMetaData()).containsEntry("actorId", "system");
        assertThat(events.get(0).getTimestamp()).isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
    }

    @Test
    void a_streaming_processor_reads_an_event_stored_under_the_former_name_as_the_current_class() {
        List<TrackedEventMessage<?>> events = EventUtils.upcastAndDeserializeTrackedEvents(Stream.of(
                        new TrackedDomainEventData<>(new GlobalSequenceTrackingToken(41),
                                stored(0, FORMER, null, roleChange(Role.DEVELOPER)))),
                serializer, upcasters).toList();

        assertThat(events.stream().map(event -> (Object) event.getPayload()))
                .containsExactly(new AccountRoleChanged(USER, Role.DEVELOPER));
        assertThat(events.get(0).getPayloadType()).isEqualTo(AccountRoleChanged.class);
        assertThat(events.get(0).trackingToken()).isEqualTo(new GlobalSequenceTrackingToken(41));
    }

    @Test
    void the_rename_keeps_the_revision_and_leaves_every_other_type_alone() {
        List<String> types = upcasters.upcast(Stream.of(
                        new InitialEventRepresentation(
                                stored(0, FORMER, "3", roleChange(Role.ORG_ADMIN)), serializer),
                        new InitialEventRepresentation(
                                stored(1, UserEnabled.class.getName(), null, "{}"), serializer)))
                .map(event -> event.getType().getName() + "@" + event.getType().getRevision())
                .toList();

        assertThat(types).containsExactly(AccountRoleChanged.class.getName() + "@3", UserEnabled.class.getName() + "@null");
    }

    @Test
    void readers_of_the_table_map_and_filter_by_every_name_an_event_is_stored_under() {
        assertThat(RenamedEvents.currentName(FORMER)).isEqualTo(AccountRoleChanged.class.getName());
        assertThat(RenamedEvents.currentName(UserEnabled.class.getName())).isEqualTo(UserEnabled.class.getName());
        assertThat(RenamedEvents.storedNames(AccountRoleChanged.class))
                .containsExactly(AccountRoleChanged.class.getName(), FORMER);
        assertThat(RenamedEvents.storedNames(UserEnabled.class)).containsExactly(UserEnabled.class.getName());
    }
}
