package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** R-AUTH-1: the authentication schemes read back as their last change made them, by Portal Admins only. */
class AuthenticationSchemesApiTest extends ApiTest {

    /** Every exchange is checked against /v3/api-docs. */
    @Override
    protected boolean validatesAgainstOpenApi() {
        return true;
    }

    @Test
    void R_AUTH_1_a_portal_admin_reads_the_schemes_as_their_last_change_made_them() {
        String name = "Scheme " + UUID.randomUUID().toString().substring(0, 8);
        Api.Response created = api.post("/api/authentication-schemes", """
                {"name": "%s", "authorizationType": "PORTAL",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"devs": "DEVELOPER"}}}"""
                .formatted(name)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        Api.Response changed = api.put("/api/authentication-schemes/" + id, """
                {"name": "%s", "authorizationType": "IDP",
                 "mappings": {"organizationAttribute": "company", "roleAttribute": "group",
                              "roleValues": {"devs": "DEVELOPER", "admins": "ORG_ADMIN"}}}"""
                .formatted(name + " renamed")).token(admin).header("If-Match", "\"0\"").send();
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);

        Api.Response read = api.get("/api/authentication-schemes/" + id).token(admin).send();
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.header("ETag")).contains("\"1\"");
        JsonNode scheme = read.json();
        assertThat(scheme.get("name").asText()).isEqualTo(name + " renamed");
        assertThat(scheme.get("authorizationType").asText()).isEqualTo("IDP");
        assertThat(scheme.get("organizationAttribute").asText()).isEqualTo("company");
        assertThat(scheme.get("roleValues").get("admins").asText()).isEqualTo("ORG_ADMIN");
        assertThat(scheme.get("version").asLong()).isEqualTo(1);

        JsonNode listed = api.get("/api/authentication-schemes").token(admin).send().json();
        assertThat(listed).anySatisfy(s -> assertThat(s.get("id").asText()).isEqualTo(id));
        assertThat(api.get("/api/authentication-schemes/" + UUID.randomUUID()).token(admin).send().status())
                .isEqualTo(404);
        // an organization's id is not a scheme's
        Api.Response organization = api.post("/api/organizations", """
                {"name": "Not a scheme %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID())).token(admin).send();
        assertThat(api.get("/api/authentication-schemes/" + organization.json().get("id").asText()).token(admin).send()
                .status()).isEqualTo(404);
    }

    @Test
    void R_AUTH_1_nobody_but_a_portal_admin_reads_the_schemes() {
        String owner = tokenFor(givenUser(Role.API_OWNER));
        Api.Response refused = api.get("/api/authentication-schemes").token(owner).send();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-AUTH-1");
        assertThat(api.get("/api/authentication-schemes").send().status()).isEqualTo(401);
    }
}
