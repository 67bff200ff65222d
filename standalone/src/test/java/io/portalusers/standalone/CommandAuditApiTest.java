package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command, accepted or refused, leaves one audit record. */
class CommandAuditApiTest extends ApiTest {

    private JsonNode records(String query) {
        return api.get("/api/audit/commands?" + query).token(admin).send().json().get("items");
    }

    @Test
    void U1_an_accepted_command_leaves_one_record_with_actor_target_organization_time_and_request() {
        String correlation = "audit-" + UUID.randomUUID();
        String org = api.post("/api/organizations", """
                {"name": "Audited %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID()))
                .token(admin).header("X-Correlation-Id", correlation).header("X-Reason", "new%20customer")
                .send().json().get("id").asText();

        JsonNode found = records("target=" + org);

        assertThat(found).hasSize(1);
        JsonNode record = found.get(0);
        assertThat(record.get("outcome").asText()).isEqualTo("ACCEPTED");
        assertThat(record.get("command").asText()).isEqualTo("CreateOrganization");
        assertThat(record.get("actorId").asText()).isEqualTo("00000000-0000-4000-8000-000000000001");
        assertThat(record.get("correlationId").asText()).isEqualTo(correlation);
        assertThat(record.get("reason").asText()).isEqualTo("new customer");
        assertThat(record.get("organizations").get(0).asText()).isEqualTo(org);
        assertThat(record.get("recordedAt").asText()).endsWith("Z");
    }

    @Test
    void U1_a_refused_command_leaves_one_record_naming_the_rule_and_no_event() {
        String org = api.post("/api/organizations", """
                {"name": "Refusals %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID()))
                .token(admin).send().json().get("id").asText();
        UserId developer = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(org), Role.DEVELOPER));
        UserId target = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(org), Role.DEVELOPER));
        long events = eventCount(target.toString());

        Api.Response refused = api.post("/api/users/" + target + "/disable", "").token(tokenFor(developer)).send();
        Api.Response self = api.post("/api/users/" + developer + "/disable", "").token(tokenFor(developer)).send();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(self.status()).isEqualTo(403);
        assertThat(eventCount(target.toString())).isEqualTo(events);
        JsonNode onTarget = records("target=" + target);
        assertThat(onTarget).hasSize(1);
        assertThat(onTarget.get(0).get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(onTarget.get(0).get("code").asText()).isEqualTo("R-STATE-1");
        assertThat(onTarget.get(0).get("actorId").asText()).isEqualTo(developer.toString());
        assertThat(onTarget.get(0).get("organizations").get(0).asText()).isEqualTo(org);
        assertThat(records("target=" + developer).get(0).get("code").asText()).isEqualTo("R-EDIT-1");
    }

    @Test
    void U1_a_uniqueness_refusal_names_the_constraint() {
        String name = "Twice " + UUID.randomUUID();
        api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "Gold"}""".formatted(name)).token(admin).send();
        String id = UUID.randomUUID().toString();

        Api.Response again = api.post("/api/organizations", """
                {"id": "%s", "name": "%s", "accountPlan": "Gold"}""".formatted(id, name.toLowerCase())).token(admin).send();

        assertThat(again.status()).isEqualTo(409);
        JsonNode found = records("target=" + id);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(found.get(0).get("code").asText()).isEqualTo("constraint:organization_name_taken");
    }

    @Test
    void U1_a_refusal_inside_an_idempotent_request_is_recorded_too() {
        String name = "Keyed " + UUID.randomUUID();
        api.post("/api/organizations", """
                {"name": "%s", "accountPlan": "Gold"}""".formatted(name)).token(admin).send();
        String id = UUID.randomUUID().toString();

        Api.Response refused = api.post("/api/organizations", """
                {"id": "%s", "name": "%s", "accountPlan": "Gold"}""".formatted(id, name))
                .token(admin).header("Idempotency-Key", "audit-" + id).send();

        assertThat(refused.status()).isEqualTo(409);
        JsonNode found = records("target=" + id);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("outcome").asText()).isEqualTo("REFUSED");
    }

    @Test
    void U1_org_admins_read_the_records_of_their_organizations_only_and_others_none() {
        String mine = api.post("/api/organizations", """
                {"name": "Mine %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(admin).send().json().get("id").asText();
        String other = api.post("/api/organizations", """
                {"name": "Theirs %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(admin).send().json().get("id").asText();
        String orgAdmin = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(mine), Role.ORG_ADMIN)));

        JsonNode seen = api.get("/api/audit/commands?size=100").token(orgAdmin).send().json().get("items");

        assertThat(seen.findValuesAsText("targetId")).contains(mine).doesNotContain(other);
        assertThat(api.get("/api/audit/commands").token(tokenFor(givenUser(Role.API_OWNER))).send().status()).isEqualTo(403);
        assertThat(api.get("/api/audit/commands?outcome=MAYBE").token(admin).send().status()).isEqualTo(400);
    }
}
