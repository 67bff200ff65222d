package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.user.AccountRoleChanged;
import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database from before an event class was renamed holds its events under the former name
 * ({@code io.portalusers.api.user.PublisherRoleChanged}, now {@link AccountRoleChanged}). Such
 * an event, written here straight into the event table as the service of then wrote it, is
 * read through every path of the service: the users projection live and in a rebuild, the
 * history, the audit export, and the aggregate a later command loads.
 */
class RenamedEventsApiTest extends ApiTest {

    private static final String FORMER_NAME = "io.portalusers.api.user.PublisherRoleChanged";
    private static final String ADMIN_ID = "00000000-0000-4000-8000-000000000001";

    /**
     * Appends the role change at the user's next sequence number under the former name, with
     * the payload, metadata and timestamp format the service wrote then, and sets the actor's
     * role as the command-side handler did in the same transaction (one statement, so one
     * transaction). Returns the sequence number.
     */
    private long appendUnderFormerName(String user, String role, String correlationId) {
        long sequence = jdbc.sql("select max(sequencenumber) + 1 from domainevententry where aggregateidentifier = ?")
                .param(user).query(Long.class).single();
        jdbc.sql("""
                        with appended as (
                            insert into domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,
                                                          metadata, payload, payloadrevision, payloadtype, timestamp)
                            values (?, ?, 'User', ?, convert_to(?, 'UTF8'), convert_to(?, 'UTF8'), null, ?, ?)
                            returning aggregateidentifier)
                        update actor set account_role = ? where user_id = (select aggregateidentifier::uuid from appended)""")
                .params(user, sequence, UUID.randomUUID().toString(),
                        """
                        {"actorId":"%s","correlationId":"%s","reason":"promoted"}""".formatted(ADMIN_ID, correlationId),
                        """
                        {"userId":"%s","role":"%s"}""".formatted(user, role),
                        FORMER_NAME, DateTimeUtils.formatInstant(Instant.now()), role)
                .update();
        return sequence;
    }

    /** The user as the users view shows it once it holds {@code version}. */
    private JsonNode awaitView(String user, long version) {
        AtomicReference<JsonNode> read = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response response = api.get("/api/users/" + user).token(admin).send();
            read.set(response.json());
            return response.status() == 200 && response.json().get("version").asLong() == version;
        });
        return read.get();
    }

    @Test
    void an_event_stored_under_its_former_class_name_is_read_everywhere_under_the_current_one() {
        String user = user("Rita", "Renamed", "rita-" + letters(10) + "@example.com", "API_OWNER");
        long sequence = appendUnderFormerName(user, "PORTAL_ADMIN", "before-the-rename");
        assertThat(sequence).isEqualTo(1);
        assertThat(jdbc.sql("select payloadtype from domainevententry where aggregateidentifier = ? and sequencenumber = 1")
                .param(user).query(String.class).single()).isEqualTo(FORMER_NAME);

        // the users projection folds it live, and again in a rebuild from the log
        assertThat(awaitView(user, 1).get("role").asText()).isEqualTo("PORTAL_ADMIN");
        jdbc.sql("update user_view set account_role = 'API_OWNER', first_name = 'tampered' where user_id = ?::uuid")
                .param(user).update();
        Api.Response rebuild = api.post("/api/admin/projections/users/rebuild", "").token(admin).send();
        assertThat(rebuild.status()).as(rebuild.body()).isEqualTo(202);
        awaitCaughtUp("users");
        JsonNode rebuilt = awaitView(user, 1);
        assertThat(rebuilt.get("role").asText()).isEqualTo("PORTAL_ADMIN");
        assertThat(rebuilt.get("category").asText()).isEqualTo("GLOBAL_PUBLISHER");
        assertThat(rebuilt.get("firstName").asText()).isEqualTo("Rita");

        // the history reads it with its actor, correlation and reason, as the change it made
        Api.Response history = api.get("/api/users/" + user + "/history").token(admin).send();
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        JsonNode entry = history.json().get("items").get(1);
        assertThat(entry.get("sequenceNumber").asLong()).isEqualTo(1);
        assertThat(entry.get("type").asText()).isEqualTo("Role changed");
        assertThat(entry.at("/actor/id").asText()).isEqualTo(ADMIN_ID);
        assertThat(entry.get("correlationId").asText()).isEqualTo("before-the-rename");
        assertThat(entry.get("reason").asText()).isEqualTo("promoted");
        assertThat(entry.get("changes").toString())
                .isEqualTo("[{\"field\":\"role\",\"before\":\"API_OWNER\",\"after\":\"PORTAL_ADMIN\"}]");
        Api.Response then = api.get("/api/users/" + user + "?at=" + Instant.now()).token(admin).send();
        assertThat(then.json().get("role").asText()).isEqualTo("PORTAL_ADMIN");

        // the export names it as events of its kind are named now, in JSON Lines and CSV alike
        String[] lines = api.get("/api/audit/events?user=" + user).token(admin).send().body().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).contains("\"eventType\":\"AccountRoleChanged\"").contains("\"role\":\"PORTAL_ADMIN\"");
        assertThat(api.get("/api/audit/events?format=csv&user=" + user).token(admin).send().body())
                .contains("\"AccountRoleChanged\"").doesNotContain("PublisherRoleChanged");

        // the aggregate loads it: as a Portal Admin now, the user is demoted by a new event
        Api.Response demoted = api.put("/api/users/" + user + "/role", """
                {"role": "API_OWNER"}""").token(admin).header("If-Match", "\"1\"").send();
        assertThat(demoted.status()).as(demoted.body()).isEqualTo(200);
        assertThat(demoted.json().get("version").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("select payloadtype from domainevententry where aggregateidentifier = ? and sequencenumber = 2")
                .param(user).query(String.class).single()).isEqualTo(AccountRoleChanged.class.getName());
        assertThat(awaitView(user, 2).get("role").asText()).isEqualTo("API_OWNER");
    }
}
