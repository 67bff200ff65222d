package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.query.audit.EventExportTestAccess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The auditor's export, streamed as JSON Lines and as CSV with the same fields. */
class EventExportApiTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    private String userIn(String org) {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String user = api.post("/api/users", """
                {"username": "export-%s", "email": "export-%s@example.com", "firstName": "Ex", "lastName": "Port",
                 "role": "DEVELOPER", "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}], "notify": false}"""
                .formatted(unique, unique, org)).token(admin).send().json().get("id").asText();
        api.patch("/api/users/" + user, """
                {"firstName": "=cmd|' /C calc'!A0", "lastName": "Quote\\"d, comma"}""")
                .token(admin).header("X-Reason", "line%20one").send();
        api.post("/api/users/" + user + "/disable", "").token(admin).send();
        return user;
    }

    /** The organization filter goes through the users view, a moment behind the commands. */
    private void awaitMembership(String org) {
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "select count(*) from user_membership_view where organization_id = ?::uuid").param(org)
                .query(Long.class).single() == 1);
    }

    private List<JsonNode> jsonLines(String query) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : api.get("/api/audit/events?" + query).token(admin).send().body().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF rows. */
    private static List<List<String>> csv(String body) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < body.length() && body.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        return rows;
    }

    @Test
    void a_users_events_round_trip_the_same_in_json_lines_and_csv() throws Exception {
        String user = userIn(organization());

        List<JsonNode> lines = jsonLines("user=" + user);
        Api.Response csvResponse = api.get("/api/audit/events?format=csv&user=" + user).token(admin).send();
        List<List<String>> rows = csv(csvResponse.body());

        assertThat(lines).extracting(l -> l.get("eventType").asText())
                .containsExactly("UserCreated", "UserNameChanged", "UserDisabled");
        assertThat(lines).extracting(l -> l.get("sequenceNumber").asLong()).containsExactly(0L, 1L, 2L);
        assertThat(lines.get(1).get("reason").asText()).isEqualTo("line one");
        assertThat(lines.get(1).at("/payload/name/lastName").asText()).isEqualTo("Quote\"d, comma");
        assertThat(csvResponse.contentType()).startsWith("text/csv");
        assertThat(rows.get(0)).containsExactly("globalIndex", "timestamp", "aggregateType", "aggregateId",
                "sequenceNumber", "eventType", "actorId", "correlationId", "reason", "payload");
        assertThat(rows).hasSize(1 + lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            List<String> row = rows.get(i + 1);
            assertThat(row.get(0)).isEqualTo(line.get("globalIndex").asText());
            assertThat(row.get(3)).isEqualTo(line.get("aggregateId").asText());
            assertThat(row.get(5)).isEqualTo(line.get("eventType").asText());
            assertThat(row.get(6)).isEqualTo(line.get("actorId").asText());
            assertThat(row.get(7)).isEqualTo(line.get("correlationId").asText());
            assertThat(JSON.readTree(row.get(9))).isEqualTo(line.get("payload"));
        }
    }

    @Test
    void csv_fields_cannot_break_a_row_or_run_as_a_formula() {
        String user = userIn(organization());
        String body = api.get("/api/audit/events?format=csv&user=" + user).token(admin).send().body();

        assertThat(body.split("\r\n")).hasSize(4);
        assertThat(body).doesNotContain(",\"=cmd");
        assertThat(EventExportTestAccess.csvField("=1+2")).isEqualTo("\"'=1+2\"");
        assertThat(EventExportTestAccess.csvField("a\nb")).isEqualTo("\"a\\u000ab\"");
    }

    @Test
    void an_organization_export_has_the_organization_and_its_members_and_nothing_else() throws Exception {
        String org = organization();
        String member = userIn(org);
        String outsider = userIn(organization());
        awaitMembership(org);

        List<JsonNode> lines = jsonLines("organization=" + org);

        assertThat(lines).extracting(l -> l.get("aggregateId").asText()).containsOnly(org, member)
                .doesNotContain(outsider);
        assertThat(lines).hasSize(1 + 3);
    }

    @Test
    void a_time_range_cuts_the_export() throws Exception {
        String org = organization();
        Instant between = Instant.now();
        Thread.sleep(5);
        String user = userIn(org);
        awaitMembership(org);

        assertThat(jsonLines("to=" + between + "&user=" + user)).isEmpty();
        assertThat(jsonLines("from=" + between + "&organization=" + org)).hasSize(3);
    }

    @Test
    void only_portal_admins_export_everything_and_org_admins_their_organization() {
        String org = organization();
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(org), Role.ORG_ADMIN)));

        assertThat(api.get("/api/audit/events?organization=" + org).token(orgAdmin).send().status()).isEqualTo(200);
        assertThat(api.get("/api/audit/events").token(orgAdmin).send().status()).isEqualTo(403);
        assertThat(api.get("/api/audit/events?organization=" + organization()).token(orgAdmin).send().status())
                .isEqualTo(403);
        assertThat(api.get("/api/audit/events").token(tokenFor(givenUser(Role.API_OWNER))).send().status())
                .isEqualTo(403);
        assertThat(api.get("/api/audit/events?format=xml").token(admin).send().status()).isEqualTo(400);
    }
}
