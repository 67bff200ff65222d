package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.platform.request.RequestMetadata;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The pull feed: the log's events as CloudEvents from any position, under the audit export's rule (R-AUD-1). */
class EventFeedApiTest extends ApiTest {

    @Autowired
    private EventStore eventStore;
    @Autowired
    private TransactionTemplate transactions;

    private long head() {
        return jdbc.sql("select coalesce(max(globalindex), 0) from domainevententry").query(Long.class).single();
    }

    private Api.Response feed(String query, String token) {
        return api.get("/api/events?" + query).token(token).send();
    }

    private static List<JsonNode> messages(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return StreamSupport.stream(response.json().spliterator(), false).toList();
    }

    private static long position(Api.Response response) {
        return Long.parseLong(response.header("Feed-Position").orElseThrow());
    }

    /** Every message after {@code after}, read {@code limit} at a time. */
    private List<JsonNode> readAll(String query, long after, int limit, String token) {
        List<JsonNode> all = new ArrayList<>();
        while (true) {
            Api.Response page = feed(query + "&after=" + after + "&limit=" + limit, token);
            List<JsonNode> messages = messages(page);
            long next = position(page);
            if (messages.isEmpty() && next == after) {
                return all;
            }
            all.addAll(messages);
            after = next;
        }
    }

    @Test
    void a_users_events_come_as_cloudevents_in_the_logs_order_and_replay_the_same_from_any_position() {
        long start = head();
        String org = organization();
        String user = user("Fe", "Ed", "feed-" + letters(8) + "@example.com", "DEVELOPER", org, "DEVELOPER");
        api.post("/api/users/" + user + "/disable", "").token(admin).send();

        Api.Response first = feed("after=" + start + "&limit=1000", admin);
        List<JsonNode> all = messages(first);
        assertThat(first.contentType()).startsWith("application/cloudevents-batch+json");
        List<JsonNode> ofUser = all.stream().filter(m -> m.get("subject").asText().equals(user)).toList();
        assertThat(ofUser).extracting(m -> m.get("type").asText())
                .containsExactly("io.portalusers.user.created", "io.portalusers.user.disabled");
        JsonNode created = ofUser.get(0);
        assertThat(created.get("specversion").asText()).isEqualTo("1.0");
        assertThat(created.get("source").asText()).isEqualTo("/portal-users");
        assertThat(created.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(created.at("/data/name/firstName").asText()).isEqualTo("Fe");
        assertThat(created.at("/data/memberships/0/organizationId").asText()).isEqualTo(org);
        assertThat(created.get("actorid").asText()).isNotBlank();
        assertThat(created.get("id").asText()).isEqualTo(jdbc.sql(
                "select eventidentifier from domainevententry where aggregateidentifier = ? and sequencenumber = 0")
                .param(user).query(String.class).single());
        assertThat(all).extracting(m -> Long.parseLong(m.get("position").asText())).isSorted().doesNotHaveDuplicates();
        assertThat(all).extracting(m -> m.get("subject").asText()).contains(org);
        assertThat(position(first)).isEqualTo(Long.parseLong(all.get(all.size() - 1).get("position").asText()));

        // paging two at a time gives the same messages; starting later gives the tail of them
        assertThat(readAll("", start, 2, admin)).isEqualTo(all);
        long middle = Long.parseLong(ofUser.get(0).get("position").asText());
        assertThat(readAll("", middle, 1000, admin)).isEqualTo(all.stream()
                .filter(m -> Long.parseLong(m.get("position").asText()) > middle).toList());
    }

    @Test
    void an_audit_read_machine_client_reads_the_feed_and_others_are_refused() {
        long start = head() - 5;
        String machine = api.get("/api/dev/token?client=reporting&scope=audit:read").send().json().get("token").asText();
        String org = organization();
        String developer = tokenFor(givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(org), Role.DEVELOPER)));
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(org), Role.ORG_ADMIN)));

        assertThat(messages(feed("after=" + start, machine))).isNotEmpty();
        assertThat(messages(feed("after=" + start, machine))).isEqualTo(messages(feed("after=" + start, admin)));
        Api.Response anonymous = api.get("/api/events").send();
        assertThat(anonymous.status()).isEqualTo(401);
        for (String query : List.of("", "organization=" + organization())) {
            Api.Response refused = feed(query, orgAdmin);
            assertThat(refused.status()).as(query).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("R-AUD-1");
        }
        assertThat(feed("organization=" + org, developer).status()).isEqualTo(403);
        assertThat(feed("organization=" + org, orgAdmin).status()).isEqualTo(200);
    }

    @Test
    void an_org_admin_reads_its_organization_and_its_members_while_members_with_only_its_memberships() {
        long start = head();
        String org = organization();
        String other = organization();
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(org), Role.ORG_ADMIN)));
        String member = user("Mem", "Ber", "member-" + letters(8) + "@example.com", "DEVELOPER",
                org, "DEVELOPER", other, "ORG_ADMIN");
        String outsider = user("Out", "Sider", "out-" + letters(8) + "@example.com", "DEVELOPER", other, "DEVELOPER");
        api.put("/api/users/" + member + "/memberships", """
                {"memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(other)).token(admin).send();
        api.post("/api/users/" + member + "/disable", "").token(admin).send();

        List<JsonNode> seen = readAll("organization=" + org, start, 3, orgAdmin);

        assertThat(seen).extracting(m -> m.get("subject").asText()).contains(org, member).doesNotContain(outsider, other);
        List<JsonNode> ofMember = seen.stream().filter(m -> m.get("subject").asText().equals(member)).toList();
        // created as a member, then the change that ended it; the disable came after it left
        assertThat(ofMember).extracting(m -> m.get("type").asText())
                .containsExactly("io.portalusers.user.created", "io.portalusers.user.memberships-changed");
        assertThat(ofMember.get(0).at("/data/memberships")).hasSize(1);
        assertThat(ofMember.get(0).at("/data/memberships/0/organizationId").asText()).isEqualTo(org);
        assertThat(ofMember.get(1).at("/data/memberships")).isEmpty();
        // a Portal Admin reading the organization sees the other membership too
        List<JsonNode> admins = readAll("organization=" + org, start, 1000, admin);
        assertThat(admins.stream().filter(m -> m.get("subject").asText().equals(member)).findFirst().orElseThrow()
                .at("/data/memberships")).hasSize(2);
        // starting past the member's creation still knows it is a member
        long created = Long.parseLong(ofMember.get(0).get("position").asText());
        assertThat(readAll("organization=" + org, created, 1000, orgAdmin)).extracting(m -> m.get("id").asText())
                .containsExactly(ofMember.get(1).get("id").asText());
    }

    @Test
    void a_waiting_request_answers_as_soon_as_an_event_comes() throws Exception {
        long now = head();
        CompletableFuture<Api.Response> waiting = CompletableFuture.supplyAsync(() -> feed("wait=20&after=" + now, admin));
        Thread.sleep(500);
        assertThat(waiting).isNotDone();
        long asked = System.nanoTime();
        String org = organization();

        Api.Response answer = waiting.get();
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
        assertThat(messages(answer)).extracting(m -> m.get("subject").asText()).contains(org);
        // nothing new: without wait the answer is empty at once, at the same position
        Api.Response empty = feed("after=" + position(answer), admin);
        assertThat(messages(empty)).isEmpty();
        assertThat(position(empty)).isEqualTo(position(answer));
    }

    @Test
    void bad_positions_limits_and_waits_are_refused_as_problems() {
        for (String query : List.of("after=-1", "limit=0", "limit=1001", "wait=31", "wait=-1", "after=x",
                "organization=nope")) {
            Api.Response refused = feed(query, admin);
            assertThat(refused.status()).as(query).isEqualTo(400);
            assertThat(refused.contentType()).as(query).startsWith("application/problem+json");
        }
    }

    @Test
    void an_append_that_commits_after_a_later_one_is_not_passed_by_the_feed() throws Exception {
        long start = head();
        UserId late = UserId.random();
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        // an append that takes its position, then stays open while a later one commits
        CompletableFuture<Void> open = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
            String unique = late.toString().substring(0, 13);
            eventStore.publish(new GenericDomainEventMessage<>("User", late.toString(), 0,
                    new UserCreated(late, Username.of("late-" + unique), EmailAddress.of(unique + "@example.com"),
                            new PersonName("La", "Te"), Language.ENGLISH, Role.API_OWNER, List.of(), UserSource.PORTAL,
                            null, false),
                    MetaData.with(RequestMetadata.ACTOR_ID, RequestMetadata.SYSTEM_ACTOR)));
            appended.countDown();
            try {
                commit.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(appended.await(10, TimeUnit.SECONDS)).isTrue();
        String org = organization();

        Api.Response meanwhile = feed("after=" + start + "&limit=1000", admin);
        assertThat(messages(meanwhile)).extracting(m -> m.get("subject").asText()).doesNotContain(org, late.toString());
        long stoppedAt = position(meanwhile);
        long orgPosition = jdbc.sql("select globalindex from domainevententry where aggregateidentifier = ?")
                .param(org).query(Long.class).single();
        assertThat(stoppedAt).isLessThan(orgPosition);

        commit.countDown();
        open.get(10, TimeUnit.SECONDS);
        List<JsonNode> rest = readAll("", stoppedAt, 1000, admin);
        assertThat(rest).extracting(m -> m.get("subject").asText()).containsSubsequence(late.toString(), org);
    }
}
