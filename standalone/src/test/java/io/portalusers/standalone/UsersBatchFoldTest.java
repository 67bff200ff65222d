package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.AccountRoleChanged;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.InvitationId;
import io.portalusers.api.user.InvitationIssued;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.MembershipsChanged;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserActivated;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.api.user.UserEmailChanged;
import io.portalusers.api.user.UserEnabled;
import io.portalusers.api.user.UserLanguageChanged;
import io.portalusers.api.user.UserNameChanged;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The users projection folds a processor batch in memory and writes each touched row once
 * (UsersProjection): a batch holding several events of each of many users must give exactly
 * the rows that one event at a time gives, and a batch delivered again (a claim stolen after its timeout)
 * must change nothing, not even updated_at.
 */
class UsersBatchFoldTest extends ApiTest {

    private static final int USERS = 30;

    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private EventStore eventStore;
    @Autowired
    private TransactionManager transactionManager;


    /** Each user's events, appended round-robin so that the log interleaves the users. */
    private List<UserId> interleavedHistories() {
        List<OrganizationId> organizations = List.of(givenOrganization(), givenOrganization(), givenOrganization());
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(i % 2 == 0
                    ? givenUser(Role.DEVELOPER, new Membership(organizations.get(0), Role.DEVELOPER))
                    : givenUser(Role.API_OWNER));
        }
        Instant expires = Instant.now().plus(Duration.ofDays(3));
        for (int step = 1; step <= 7; step++) {
            for (int i = 0; i < USERS; i++) {
                UserId id = users.get(i);
                Object event = switch (step) {
                    case 1 -> new InvitationIssued(id, InvitationId.random(), expires);
                    case 2 -> new UserNameChanged(id, new PersonName("Folded" + i, "Batch"));
                    case 3 -> switch (i % 3) {
                        case 0 -> new UserEmailChanged(id, EmailAddress.of("folded-" + UUID.randomUUID() + "@example.com"));
                        case 1 -> new UserActivated(id);
                        default -> new UserDisabled(id);
                    };
                    case 4 -> i % 2 == 0
                            ? new MembershipsChanged(id, List.of(new Membership(organizations.get(1), Role.ORG_PUBLISHER),
                                    new Membership(organizations.get(2), Role.DEVELOPER)))
                            : new AccountRoleChanged(id, Role.PORTAL_ADMIN);
                    case 5 -> i % 3 == 2 ? new UserEnabled(id) : new UserLanguageChanged(id, Language.of("de"));
                    case 6 -> new InvitationIssued(id, InvitationId.random(), expires.plusSeconds(60));
                    default -> i % 4 == 0 ? new UserDisabled(id) : new UserNameChanged(id, new PersonName("Last" + i, "Name"));
                };
                givenEvent(id, event);
            }
        }
        // the running processor projects them, mostly one event per batch
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                        "select count(*) from user_view where user_id = any(?) and version = 7")
                .param(ids(users)).query(Long.class).single() == USERS);
        return users;
    }

    private static UUID[] ids(List<UserId> users) {
        return users.stream().map(UserId::value).toArray(UUID[]::new);
    }

    /** Every column of the users' rows and memberships. */
    private String checksum(List<UserId> users) {
        return jdbc.sql("""
                        select md5(concat_ws('#',
                            (select string_agg(u::text, '|' order by user_id) from user_view u where user_id = any(:ids)),
                            (select string_agg(m::text, '|' order by user_id, organization_id)
                             from user_membership_view m where user_id = any(:ids))))""")
                .param("ids", ids(users)).query(String.class).single();
    }

    private long rows(List<UserId> users) {
        return jdbc.sql("select count(*) from user_view where user_id = any(?)").param(ids(users)).query(Long.class).single();
    }

    private void forget(List<UserId> users) {
        jdbc.sql("delete from user_view where user_id = any(?)").param(ids(users)).update();
        assertThat(rows(users)).isZero();
    }

    /** The stored events of the users in log order (round-robin, as appended). */
    private List<DomainEventMessage<?>> log(List<UserId> users) {
        List<List<DomainEventMessage<?>>> histories = new ArrayList<>();
        for (UserId id : users) {
            histories.add(new ArrayList<>(eventStore.readEvents(id.toString()).asStream().toList()));
        }
        List<DomainEventMessage<?>> log = new ArrayList<>();
        for (int step = 0; step < 8; step++) {
            for (List<DomainEventMessage<?>> history : histories) {
                log.add(history.get(step));
            }
        }
        return log;
    }

    private AbstractEventProcessor users() {
        return processing.eventProcessor("users", AbstractEventProcessor.class).orElseThrow();
    }

    /** One event at a time, each written at once (no unit of work). */
    private void deliverOneByOne(List<DomainEventMessage<?>> events) throws Exception {
        for (DomainEventMessage<?> event : events) {
            users().eventHandlerInvoker().handle(event, Segment.ROOT_SEGMENT);
        }
    }

    /** All events in one batch, as the pooled processor hands them: one batching unit of work, one transaction. */
    private void deliverAsOneBatch(List<DomainEventMessage<?>> events) throws Exception {
        BatchingUnitOfWork<EventMessage<?>> batch = new BatchingUnitOfWork<>(new ArrayList<EventMessage<?>>(events));
        batch.attachTransaction(transactionManager);
        batch.executeWithResult(() -> {
            users().eventHandlerInvoker().handle(batch.getMessage(), Segment.ROOT_SEGMENT);
            return null;
        });
    }

    @Test
    void a_batch_with_several_events_of_many_users_folds_to_the_rows_of_one_event_at_a_time() throws Exception {
        List<UserId> users = interleavedHistories();
        List<DomainEventMessage<?>> log = log(users);
        assertThat(log).hasSize(USERS * 8);

        forget(users);
        deliverOneByOne(log);
        String oneByOne = checksum(users);
        assertThat(rows(users)).isEqualTo(USERS);
        assertThat(jdbc.sql("select count(*) from user_membership_view where user_id = any(?)").param(ids(users))
                .query(Long.class).single()).as("two memberships each for the even users").isEqualTo(USERS);

        forget(users);
        deliverAsOneBatch(log);

        assertThat(checksum(users)).isEqualTo(oneByOne);
        JsonNode folded = api.get("/api/users/" + users.get(2).value()).token(admin).send().json();
        assertThat(folded.get("version").asLong()).isEqualTo(7);
        assertThat(folded.get("enabled").asBoolean()).as("disabled, then enabled").isTrue();
        assertThat(folded.get("firstName").asText()).isEqualTo("Last2");
        assertThat(folded.get("memberships")).hasSize(2);
    }

    @Test
    void a_batch_delivered_again_changes_nothing() throws Exception {
        List<UserId> users = interleavedHistories();
        List<DomainEventMessage<?>> log = log(users);
        String projected = checksum(users);

        deliverAsOneBatch(log);
        assertThat(checksum(users)).as("the whole batch again").isEqualTo(projected);

        List<DomainEventMessage<?>> newestFirst = new ArrayList<>(log);
        java.util.Collections.reverse(newestFirst);
        deliverAsOneBatch(newestFirst);
        deliverAsOneBatch(log.subList(0, USERS * 3));
        assertThat(checksum(users)).as("older events after newer ones").isEqualTo(projected);

        // and the whole read model, rebuilt by the processor itself in large batches, gives the same rows
        Api.Response rebuild = api.post("/api/admin/projections/users/rebuild", "").token(admin).send();
        assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = api.get("/api/admin/projections/users").token(admin).send().json();
            assertThat(status.get("caughtUp").asBoolean() && !status.get("replaying").asBoolean()
                    && status.get("progress").asDouble() >= 1.0).isTrue();
            assertThat(checksum(users)).isEqualTo(projected);
        });
    }
}
