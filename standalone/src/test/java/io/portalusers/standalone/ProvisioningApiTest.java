package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** R-AUTH-1, R-EDIT-3: authentication schemes and their external IdP users, through HTTP. */
class ProvisioningApiTest extends ApiTest {

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private String scheme(String authorizationType) {
        Api.Response created = api.post("/api/authentication-schemes", """
                {"name": "Scheme %s", "authorizationType": "%s",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group",
                              "roleValues": {"devs": "DEVELOPER", "admins": "ORG_ADMIN", "owners": "API_OWNER"}}}"""
                .formatted(unique(), authorizationType)).token(admin).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private Api.Response provision(String scheme, String subject, String group, String org) {
        return api.post("/api/authentication-schemes/" + scheme + "/users", """
                {"subject": "%s", "username": "idp-%s", "email": "%s@idp.example", "firstName": "Ida",
                 "lastName": "Provisioned", "attributes": {"group": "%s", "org": "%s"}}"""
                .formatted(subject, subject, subject, group, org)).token(admin).send();
    }

    private List<String> memberships(String user) {
        return jdbc.sql("select organization_id::text || ':' || org_role from actor_membership where user_id = ?::uuid")
                .param(user).query(String.class).list();
    }

    @Test
    void R_AUTH_1_provisioning_is_idempotent_per_scheme_and_subject() {
        String orgName = "IdP Org " + unique();
        String org = organization(orgName);
        String scheme = scheme("IDP");
        String subject = "sub-" + unique();

        Api.Response first = provision(scheme, subject, "devs", orgName);
        Api.Response again = provision(scheme, subject, "devs", orgName);

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(eventCount(first.json().get("id").asText())).isEqualTo(1);
        assertThat(memberships(first.json().get("id").asText())).containsExactly(org + ":DEVELOPER");
    }

    @Test
    void R_AUTH_1_with_idp_authorization_organization_and_role_follow_the_attributes_on_every_sign_in() {
        String firstOrg = "Follow A " + unique();
        String secondOrg = "Follow B " + unique();
        organization(firstOrg);
        String second = organization(secondOrg);
        String scheme = scheme("IDP");
        String subject = "sub-" + unique();
        String user = provision(scheme, subject, "devs", firstOrg).json().get("id").asText();

        Api.Response moved = provision(scheme, subject, "admins", secondOrg);

        assertThat(moved.status()).isEqualTo(200);
        assertThat(memberships(user)).containsExactly(second + ":ORG_ADMIN");
    }

    @Test
    void R_AUTH_1_with_portal_authorization_memberships_stay_as_the_portal_set_them() {
        String firstOrg = "Stay A " + unique();
        String first = organization(firstOrg);
        String secondOrg = "Stay B " + unique();
        organization(secondOrg);
        String scheme = scheme("PORTAL");
        String subject = "sub-" + unique();
        String user = provision(scheme, subject, "devs", firstOrg).json().get("id").asText();

        provision(scheme, subject, "devs", secondOrg);

        assertThat(memberships(user)).containsExactly(first + ":DEVELOPER");
    }

    @Test
    void R_AUTH_1_new_publishers_of_a_portal_scheme_are_refused_but_not_of_an_idp_scheme() {
        long events = eventCount();
        Api.Response refused = provision(scheme("PORTAL"), "sub-" + unique(), "owners", "none");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-AUTH-1");
        assertThat(eventCount()).isEqualTo(events + 1);

        assertThat(provision(scheme("IDP"), "sub-" + unique(), "owners", "none").status()).isEqualTo(201);
    }

    @Test
    void R_AUTH_1_an_unmapped_role_or_an_unknown_organization_is_refused() {
        String scheme = scheme("IDP");
        Api.Response unmapped = provision(scheme, "sub-" + unique(), "strangers", "x");
        Api.Response unknownOrg = provision(scheme, "sub-" + unique(), "devs", "No Such Org " + unique());

        assertThat(unmapped.status()).isEqualTo(422);
        assertThat(unmapped.json().get("code").asText()).isEqualTo("R-AUTH-1");
        assertThat(unknownOrg.status()).isEqualTo(422);
        assertThat(unknownOrg.json().get("code").asText()).isEqualTo("R-ADD-4");
    }

    @Test
    void R_EDIT_3_a_portal_admin_edits_the_memberships_of_idp_developers_of_portal_schemes_only() {
        String orgName = "Edit " + unique();
        String org = organization(orgName);
        String other = organization("Other " + unique());
        String portalUser = provision(scheme("PORTAL"), "sub-" + unique(), "devs", orgName).json().get("id").asText();
        String idpUser = provision(scheme("IDP"), "sub-" + unique(), "devs", orgName).json().get("id").asText();
        String body = """
                {"memberships": [{"organizationId": "%s", "role": "DEVELOPER"}, {"organizationId": "%s", "role": "DEVELOPER"}]}"""
                .formatted(org, other);

        Api.Response allowed = api.put("/api/users/" + portalUser + "/memberships", body).token(admin).send();
        Api.Response refused = api.put("/api/users/" + idpUser + "/memberships", body).token(admin).send();
        Api.Response details = api.patch("/api/users/" + portalUser, """
                {"firstName": "New", "lastName": "Name"}""").token(admin).send();

        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("R-EDIT-3");
        assertThat(details.status()).isEqualTo(403);
        assertThat(details.json().get("code").asText()).isEqualTo("R-EDIT-3");
    }

    @Test
    void R_AUTH_1_ten_concurrent_first_sign_ins_of_one_subject_make_one_user() throws Exception {
        String orgName = "Race " + unique();
        organization(orgName);
        String scheme = scheme("IDP");
        String subject = "sub-" + unique();
        List<Api.Response> responses = concurrently(10, i -> provision(scheme, subject, "devs", orgName));
        List<JsonNode> ids = new ArrayList<>();
        int created = 0;
        for (Api.Response response : responses) {
            assertThat(response.status()).as(response.body()).isIn(200, 201);
            created += response.status() == 201 ? 1 : 0;
            ids.add(response.json().get("id"));
        }

        assertThat(created).isEqualTo(1);
        assertThat(ids).containsOnly(ids.get(0));
    }

    @Test
    void R_AUTH_1_only_a_portal_admin_manages_schemes_and_scheme_names_are_unique() {
        String name = "Unique " + unique();
        String body = """
                {"name": "%s", "authorizationType": "IDP",
                 "mappings": {"organizationAttribute": "org", "roleAttribute": "group", "roleValues": {"d": "DEVELOPER"}}}"""
                .formatted(name);
        assertThat(api.post("/api/authentication-schemes", body).token(admin).send().status()).isEqualTo(201);

        Api.Response duplicate = api.post("/api/authentication-schemes", body.replace(name, name.toUpperCase()))
                .token(admin).send();
        Api.Response byDeveloper = api.post("/api/authentication-schemes", body.replace(name, "Other " + unique()))
                .token(tokenFor(givenUser(io.portalusers.api.user.Role.API_OWNER))).send();

        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(byDeveloper.status()).isEqualTo(403);
        assertThat(byDeveloper.json().get("code").asText()).isEqualTo("R-AUTH-1");
    }
}
