package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.ResourceConflictException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.ResourceTypeResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.HttpHeaders;
import org.glassfish.jersey.client.ClientConfig;
import org.glassfish.jersey.jnh.connector.JavaNetHttpConnectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SCIM 2.0 at /scim/v2, driven by a real SCIM client (UnboundID's SCIM 2 SDK) and by the requests
 * Okta's and Entra ID's provisioning send (fixtures in {@code src/test/resources/scim}). Each
 * identity provider's client provisions the users of its own scheme: Okta's an IDP scheme (role
 * and organization follow it), Entra's a PORTAL one.
 */
class ScimApiTest extends ApiTest {

    static final String OKTA = "okta-scim";
    static final String OKTA_SCHEME = "5c1e0000-0000-4000-8000-00000000000a";
    static final String OKTA_SECRET = "okta-" + java.util.UUID.randomUUID();
    static final String ENTRA = "entra-scim";
    static final String ENTRA_SCHEME = "5c1e0000-0000-4000-8000-00000000000e";
    private static final String PORTAL_USER = "urn:portal-users:scim:schemas:extension:portal:2.0:User";
    private static final String PORTAL_GROUP = "urn:portal-users:scim:schemas:extension:portal:2.0:Group";
    private static final String SCIM_JSON = "application/scim+json";

    private Client http;
    private ScimService okta;
    private String oktaToken;
    private String entraToken;
    private String organizationName;
    private String organizationId;

    @BeforeEach
    void schemesAndClients() {
        schemes(api, admin);
        organizationName = "Scim " + letters(12);
        organizationId = organization(organizationName);
        // the users' resources name their organizations as the query side shows them
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "select count(*) from organization_view where organization_id = ?::uuid")
                .param(organizationId).query(Long.class).single() == 1);
        oktaToken = tokens.issueForClient(OKTA, "scim:write").token();
        entraToken = tokens.issueForClient(ENTRA, "scim:write").token();
        http = ClientBuilder.newClient(new ClientConfig().connectorProvider(new JavaNetHttpConnectorProvider()));
        okta = new ScimService(http.target("http://localhost:" + port + "/scim/v2")
                .register((jakarta.ws.rs.client.ClientRequestFilter) request ->
                        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + oktaToken)));
    }

    @AfterEach
    void close() {
        http.close();
    }

    /** The schemes of the two identity providers' SCIM clients, as every test of the shared service that calls SCIM needs them. */
    static void schemes(Api api, String admin) {
        scheme(api, admin, OKTA_SCHEME, "IDP", """
                {"organizationAttribute": "organization", "roleAttribute": "role",
                 "roleValues": {"developer": "DEVELOPER", "owner": "API_OWNER"}}""");
        scheme(api, admin, ENTRA_SCHEME, "PORTAL", """
                {"organizationAttribute": "department", "roleAttribute": "roles", "roleValues": {"Developer": "DEVELOPER"}}""");
    }

    private static void scheme(Api api, String admin, String id, String type, String mappings) {
        Api.Response created = api.post("/api/authentication-schemes", """
                {"id": "%s", "name": "Scim %s", "authorizationType": "%s", "mappings": %s}"""
                .formatted(id, id.substring(id.length() - 1), type, mappings)).token(admin).send();
        assertThat(created.status()).as(created.toString()).isIn(201, 409);
    }

    @Test
    void the_discovery_endpoints_describe_the_service_to_a_scim_client() throws ScimException {
        ServiceProviderConfigResource config = okta.getServiceProviderConfig();
        assertThat(config.getPatch().isSupported()).isTrue();
        assertThat(config.getEtag().isSupported()).isTrue();
        assertThat(config.getFilter().isSupported()).isTrue();
        assertThat(config.getFilter().getMaxResults()).isEqualTo(200);
        assertThat(config.getBulk().isSupported()).isFalse();

        ListResponse<ResourceTypeResource> types = okta.getResourceTypes();
        assertThat(types.getResources()).extracting(ResourceTypeResource::getName).containsExactly("User", "Group");
        assertThat(types.getResources().get(0).getSchemaExtensions()).hasSize(2);

        ListResponse<SchemaResource> schemas = okta.getSchemas();
        SchemaResource user = schemas.getResources().stream()
                .filter(schema -> schema.getId().equals("urn:ietf:params:scim:schemas:core:2.0:User")).findFirst().orElseThrow();
        assertThat(user.getAttributes()).extracting(a -> a.getName()).contains("userName", "name", "emails", "active");
        assertThat(okta.getSchema(PORTAL_USER).getAttributes()).extracting(a -> a.getName()).contains("role", "accountRole");
    }

    @Test
    void R_AUTH_1_a_scim_client_creates_and_reads_external_idp_users_of_its_scheme_with_itself_as_actor() throws ScimException {
        String login = "ada." + letters(8) + "@okta.example";
        UserResource created = okta.create("Users", oktaUser(login, "Ada", "Lovelace", "developer"));

        assertThat(created.getId()).isNotBlank();
        assertThat(created.getUserName()).isEqualTo(login);
        assertThat(created.getName().getGivenName()).isEqualTo("Ada");
        assertThat(created.getEmails()).extracting(Email::getValue).containsExactly(login);
        assertThat(created.getActive()).isTrue();
        assertThat(created.getMeta().getVersion()).isEqualTo("\"0\"");
        JsonNode portal = created.getExtensionObjectNode().get(PORTAL_USER);
        assertThat(portal.get("accountRole").asText()).isEqualTo("DEVELOPER");
        assertThat(portal.get("organizations").get(0).get("display").asText()).isEqualTo(organizationName);

        UserResource read = okta.retrieve("Users", created.getId(), UserResource.class);
        assertThat(read.getUserName()).isEqualTo(login);
        assertThat(read.getMeta().getLocation().toString()).endsWith("/scim/v2/Users/" + created.getId());

        // an external IdP user of the scheme, created by the same command as any, the client its actor
        assertThat(jdbc.sql("select source || ' ' || scheme_id from user_view where user_id = ?::uuid")
                .param(created.getId()).query(String.class).single()).isEqualTo("IDP " + OKTA_SCHEME);
        assertThat(jdbc.sql("""
                        select convert_from(metadata, 'UTF8') from domainevententry
                        where aggregateidentifier = ? and payloadtype like '%UserCreated'""")
                .param(created.getId()).query(String.class).single()).contains("\"actorId\":\"client:" + OKTA + "\"");
        Api.Response history = api.get("/api/users/" + created.getId() + "/history").token(admin).send();
        assertThat(history.status()).as(history.toString()).isEqualTo(200);
        assertThat(history.body()).contains("client:" + OKTA);
    }

    @Test
    void R_AUTH_2_a_scim_client_registered_with_the_sign_in_gets_its_token_by_client_credentials() throws Exception {
        java.net.http.HttpResponse<String> issued = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/oauth2/token"))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                                .encodeToString((OKTA + ":" + OKTA_SECRET).getBytes(StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=scim:write"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String access = new com.fasterxml.jackson.databind.ObjectMapper().readTree(issued.body()).get("access_token").asText();

        assertThat(api.get("/scim/v2/ServiceProviderConfig").token(access).send().status()).isEqualTo(200);
        Api.Response created = scim("POST", "/scim/v2/Users", access, """
                {"userName": "cc.%s@okta.example", "name": {"givenName": "Cc", "familyName": "Token"},
                 "emails": [{"value": "cc.%s@okta.example"}],
                 "urn:portal-users:scim:schemas:extension:portal:2.0:User": {"role": "developer", "organization": "%s"}}"""
                .formatted(letters(6), letters(6), organizationName));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(api.get("/api/settings").token(access).send().status()).isEqualTo(403);
    }

    @Test
    void a_client_sees_only_its_own_schemes_users() throws ScimException {
        String login = "bo." + letters(8) + "@okta.example";
        UserResource created = okta.create("Users", oktaUser(login, "Bo", "Brook", "developer"));

        Api.Response asEntra = api.get("/scim/v2/Users/" + created.getId()).token(entraToken).send();
        assertThat(asEntra.status()).isEqualTo(404);
        Api.Response listed = api.get("/scim/v2/Users?filter=" + encode("userName eq \"" + login + "\""))
                .token(entraToken).send();
        assertThat(listed.json().get("totalResults").asInt()).isZero();
        // nor any portal-managed user, whose username it names
        String portalUser = user("Pat", "Portal", letters(10) + "@portal.example", "API_OWNER");
        assertThat(api.get("/scim/v2/Users/" + portalUser).token(oktaToken).send().status()).isEqualTo(404);
    }

    @Test
    void the_list_filters_on_each_attribute_with_eq_co_sw_and_or_and_pages() throws ScimException {
        String tag = letters(8);
        UserResource ann = okta.create("Users", oktaUser("ann." + tag + "@okta.example", "Ann" + tag, "Zed" + tag, "developer"));
        okta.create("Users", oktaUser("ben." + tag + "@okta.example", "Ben" + tag, "Zed" + tag, "developer"));
        UserResource cy = okta.create("Users", oktaUser("cy." + tag + "@okta.example", "Cy" + tag, "Young" + tag, "developer"));
        okta.modifyRequest("Users", cy.getId()).replaceValue("active", false).invoke(UserResource.class);

        assertThat(userNames("userName eq \"ANN." + tag + "@okta.example\"")).containsExactly("ann." + tag + "@okta.example");
        assertThat(userNames("emails.value co \"" + tag + "\"")).hasSize(3);
        assertThat(userNames("emails co \"" + tag + "@OKTA\"")).hasSize(3);
        assertThat(userNames("name.givenName sw \"ben" + tag + "\"")).containsExactly("ben." + tag + "@okta.example");
        assertThat(userNames("name.familyName eq \"Zed" + tag + "\" and active eq true")).hasSize(2);
        assertThat(userNames("name.familyName eq \"Young" + tag + "\" or name.givenName eq \"Ann" + tag + "\"")).hasSize(2);
        assertThat(userNames("emails.value co \"" + tag + "\" and active eq false")).containsExactly("cy." + tag + "@okta.example");
        assertThat(userNames("externalId eq \"ext-ann." + tag + "@okta.example\"")).containsExactly("ann." + tag + "@okta.example");
        assertThat(userNames("emails.value co \"" + tag + "\" and not (name.familyName eq \"Zed" + tag + "\")")).hasSize(1);
        assertThat(userNames("emails.value ew \"" + tag + "@OKTA.example\"")).hasSize(3);
        assertThat(userNames("emails.value ew \"" + tag + "@nowhere.example\"")).isEmpty();
        assertThat(userNames("id eq \"" + ann.getId() + "\"")).containsExactly("ann." + tag + "@okta.example");

        ListResponse<UserResource> first = okta.searchRequest("Users").filter("emails.value co \"" + tag + "\"")
                .page(1, 2).invoke(UserResource.class);
        ListResponse<UserResource> second = okta.searchRequest("Users").filter("emails.value co \"" + tag + "\"")
                .page(3, 2).invoke(UserResource.class);
        assertThat(first.getTotalResults()).isEqualTo(3);
        assertThat(first.getResources()).hasSize(2);
        assertThat(second.getResources()).hasSize(1);
        assertThat(second.getStartIndex()).isEqualTo(3);
        assertThat(List.of(first.getResources().get(0).getId(), first.getResources().get(1).getId(),
                second.getResources().get(0).getId())).doesNotHaveDuplicates();
        assertThat(okta.searchRequest("Users").filter("emails.value co \"" + tag + "\"").page(1, 0)
                .invoke(UserResource.class).getResources()).isEmpty();
        // the same search with a body, so that the filter stays out of the URL
        ListResponse<UserResource> posted = okta.searchRequest("Users").filter("name.familyName eq \"Zed" + tag + "\"")
                .page(1, 10).invokePost(UserResource.class);
        assertThat(posted.getTotalResults()).isEqualTo(2);
    }

    @Test
    void attributes_and_excluded_attributes_choose_what_is_answered() throws ScimException {
        String login = "di." + letters(8) + "@okta.example";
        UserResource created = okta.create("Users", oktaUser(login, "Di", "Dale", "developer"));

        JsonNode only = api.get("/scim/v2/Users/" + created.getId() + "?attributes=userName,name.givenName")
                .token(oktaToken).send().json();
        assertThat(fieldNames(only)).containsExactlyInAnyOrder("schemas", "id", "userName", "name");
        assertThat(fieldNames(only.get("name"))).containsExactly("givenName");

        UserResource without = okta.retrieveRequest("Users", created.getId()).excludedAttributes("emails", "meta")
                .invoke(UserResource.class);
        assertThat(without.getEmails()).isNull();
        assertThat(without.getMeta()).isNull();
        assertThat(without.getUserName()).isEqualTo(login);

        ListResponse<UserResource> listed = okta.searchRequest("Users").filter("userName eq \"" + login + "\"")
                .attributes("urn:ietf:params:scim:schemas:core:2.0:User:userName").invoke(UserResource.class);
        assertThat(listed.getResources().get(0).getUserName()).isEqualTo(login);
        assertThat(listed.getResources().get(0).getName()).isNull();
    }

    @Test
    void R_ADD_6_a_taken_username_or_email_is_a_409_uniqueness_and_changes_nothing() throws ScimException {
        String email = letters(10) + "@portal.example";
        user("Pat", "Portal", email, "API_OWNER");
        long before = eventCount();

        ResourceConflictException taken = catchThrowableOfType(ResourceConflictException.class,
                () -> okta.create("Users", oktaUser(email, "Eve", "Same", "developer")));
        assertThat(taken.getScimError().getScimType()).isEqualTo("uniqueness");
        assertThat(taken.getScimError().getDetail()).startsWith("R-ADD-6");

        String login = "fay." + letters(8) + "@okta.example";
        okta.create("Users", oktaUser(login, "Fay", "First", "developer"));
        long afterFirst = eventCount();
        UserResource again = oktaUser(login.toUpperCase(), "Fay", "Second", "developer");
        again.setExternalId("another-" + letters(6));
        ResourceConflictException sameName = catchThrowableOfType(ResourceConflictException.class,
                () -> okta.create("Users", again));
        assertThat(sameName.getScimError().getScimType()).isEqualTo("uniqueness");
        assertThat(eventCount()).isEqualTo(afterFirst).isEqualTo(before + 1);
    }

    @Test
    void errors_are_scim_errors_with_their_scim_type_and_change_nothing() {
        long before = eventCount();
        Map<String, String> badFilters = Map.of(
                "userName eq", "invalidFilter",
                "password eq \"x\"", "invalidFilter",
                "userName gt \"a\"", "invalidFilter",
                "userName eq \"a\" or", "invalidFilter",
                "emails[type eq \"work\"] eq \"x\"", "invalidFilter",
                "externalId co \"x\"", "invalidFilter",
                "userName eq \"a\"); drop table user_view; --", "invalidFilter");
        badFilters.forEach((filter, scimType) -> {
            Api.Response answer = api.get("/scim/v2/Users?filter=" + encode(filter)).token(oktaToken).send();
            assertThat(answer.status()).as(filter).isEqualTo(400);
            assertThat(answer.contentType()).startsWith(SCIM_JSON);
            assertThat(answer.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
            assertThat(answer.json().get("status").asText()).isEqualTo("400");
            assertThat(answer.json().get("scimType").asText()).as(filter).isEqualTo(scimType);
        });
        Api.Response noUserName = scim("POST", "/scim/v2/Users", oktaToken, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "name": {"givenName": "A", "familyName": "B"},
                 "emails": [{"value": "nobody@okta.example"}]}""");
        assertThat(noUserName.status()).isEqualTo(400);
        assertThat(noUserName.json().get("scimType").asText()).isEqualTo("invalidValue");
        Api.Response noRole = scim("POST", "/scim/v2/Users", oktaToken, """
                {"userName": "norole.%s", "name": {"givenName": "A", "familyName": "B"},
                 "emails": [{"value": "norole.%s@okta.example"}]}""".formatted(letters(6), letters(6)));
        assertThat(noRole.status()).isEqualTo(400);
        assertThat(noRole.json().get("detail").asText()).startsWith("R-AUTH-1");
        Api.Response malformed = scim("POST", "/scim/v2/Users", oktaToken, "{\"userName\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("scimType").asText()).isEqualTo("invalidSyntax");
        Api.Response text = api.post("/scim/v2/Users", "userName=x").token(oktaToken).header("Content-Type", "text/plain").send();
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.contentType()).startsWith(SCIM_JSON);
        for (String query : List.of("startIndex=abc", "count=1e3", "attributes=a&excludedAttributes=b")) {
            Api.Response answer = api.get("/scim/v2/Users?" + query).token(oktaToken).send();
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.json().get("scimType").asText()).as(query).isEqualTo("invalidValue");
        }
        Api.Response unknown = api.get("/scim/v2/Users/not-a-user").token(oktaToken).send();
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("status").asText()).isEqualTo("404");
        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void R_AUTH_2_only_a_registered_scim_client_with_its_scope_calls_scim_and_nothing_else() {
        Api.Response anonymous = api.get("/scim/v2/Users").send();
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith(SCIM_JSON);
        assertThat(anonymous.json().get("status").asText()).isEqualTo("401");
        assertThat(anonymous.header("WWW-Authenticate")).hasValue("Bearer");
        Api.Response user = api.get("/scim/v2/Users").token(admin).send();
        assertThat(user.status()).isEqualTo(403);
        assertThat(user.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(api.get("/scim/v2/Users").token(tokens.issueForClient("reporting", "audit:read").token()).send().status())
                .isEqualTo(403);
        assertThat(api.get("/scim/v2/Users").token(tokens.issueForClient(OKTA, "audit:read").token()).send().status())
                .isIn(401, 403);
        assertThat(api.get("/scim/v2/Users").token(tokens.issueForClient("stranger", "scim:write").token()).send().status())
                .isEqualTo(401);
        // its token reaches nothing of the rest of the API, commands least of all
        long before = eventCount();
        assertThat(api.get("/api/users?q=abc").token(oktaToken).send().status()).isEqualTo(403);
        assertThat(api.post("/api/organizations", "{\"name\": \"Scim made\", \"accountPlan\": \"Gold\"}")
                .token(oktaToken).send().status()).isEqualTo(403);
        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void okta_provisions_updates_and_deactivates_with_the_requests_it_sends() {
        String tag = letters(8);
        Map<String, String> values = Map.of("userName", "okta." + tag + "@okta.example", "email", "okta." + tag + "@okta.example",
                "externalId", "00u" + tag, "organization", organizationName);
        Api.Response created = scim("POST", "/scim/v2/Users", oktaToken, fixture("okta-create-user.json", values));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.contentType()).startsWith(SCIM_JSON);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).hasValue("http://localhost:" + port + "/scim/v2/Users/" + id);
        assertThat(created.header("ETag")).hasValue("\"0\"");

        // Okta looks a user up by its userName before it creates one
        Api.Response found = api.get("/scim/v2/Users?filter=" + encode("userName eq \"okta." + tag + "@okta.example\"")
                + "&startIndex=1&count=100").token(oktaToken).header("Accept", SCIM_JSON).send();
        assertThat(found.json().get("totalResults").asInt()).isEqualTo(1);
        assertThat(found.json().get("Resources").get(0).get("id").asText()).isEqualTo(id);

        // a profile push is a PUT of the whole user; here it also deactivates
        Map<String, String> replaced = new java.util.HashMap<>(values);
        replaced.put("id", id);
        Api.Response put = scim("PUT", "/scim/v2/Users/" + id, oktaToken, fixture("okta-replace-user.json", replaced));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json().get("name").get("givenName").asText()).isEqualTo("Another");
        assertThat(put.json().get("active").asBoolean()).isFalse();
        assertThat(put.header("ETag")).hasValue("\"2\"");

        Api.Response reactivated = scim("PATCH", "/scim/v2/Users/" + id, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "value": {"active": true}}]}""");
        assertThat(reactivated.json().get("active").asBoolean()).isTrue();
        Api.Response deactivated = scim("PATCH", "/scim/v2/Users/" + id, oktaToken, fixture("okta-deactivate-user.json", Map.of()));
        assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
        assertThat(deactivated.json().get("active").asBoolean()).isFalse();
        assertThat(jdbc.sql("select enabled from actor where user_id = ?::uuid").param(id).query(Boolean.class).single())
                .isFalse();
    }

    @Test
    void entra_provisions_updates_and_disables_with_the_requests_it_sends() {
        String tag = letters(8);
        Map<String, String> values = Map.of("userName", "Test_User_" + tag + "@testuser.com",
                "email", "Test_User_" + tag + "@testuser.com", "externalId", "0a21f0f2-" + tag, "organization", organizationName);
        Api.Response created = scim("POST", "/scim/v2/Users", entraToken, fixture("entra-create-user.json", values));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get(PORTAL_USER).get("organizations").get(0).get("value").asText()).isEqualTo(organizationId);

        // Entra looks users up by userName, and also by externalId
        Api.Response byExternalId = api.get("/scim/v2/Users?filter=" + encode("externalId eq \"0a21f0f2-" + tag + "\""))
                .token(entraToken).send();
        assertThat(byExternalId.json().get("Resources").get(0).get("id").asText()).isEqualTo(id);

        String newEmail = "updated." + tag + "@testuser.com";
        Api.Response updated = scim("PATCH", "/scim/v2/Users/" + id, entraToken,
                fixture("entra-update-user.json", Map.of("email", newEmail)));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.json().get("emails").get(0).get("value").asText()).isEqualTo(newEmail);
        assertThat(updated.json().get("name").get("familyName").asText()).isEqualTo("updatedFamilyName");
        assertThat(updated.json().get("preferredLanguage").asText()).isEqualTo("de");

        Api.Response disabled = scim("PATCH", "/scim/v2/Users/" + id, entraToken, fixture("entra-disable-user.json", Map.of()));
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.json().get("active").asBoolean()).isFalse();
    }

    @Test
    void etags_and_if_match_keep_a_client_from_overwriting_a_change_it_did_not_see() throws ScimException {
        String login = "gus." + letters(8) + "@okta.example";
        UserResource created = okta.create("Users", oktaUser(login, "Gus", "Green", "developer"));
        Api.Response read = api.get("/scim/v2/Users/" + created.getId()).token(oktaToken).send();
        String etag = read.header("ETag").orElseThrow();
        assertThat(etag).isEqualTo(read.json().get("meta").get("version").asText());

        Api.Response changed = scim("PATCH", "/scim/v2/Users/" + created.getId(), oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "name.givenName", "value": "Gustav"}]}""", etag);
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        long before = eventCount();
        Api.Response stale = scim("PATCH", "/scim/v2/Users/" + created.getId(), oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "name.givenName", "value": "Gunnar"}]}""", etag);
        assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
        assertThat(stale.json().get("status").asText()).isEqualTo("412");
        for (String malformed : List.of("[]", "{}", "{\"Operations\": [1]}", "{\"Operations\": [{\"op\": \"move\"}]}",
                "{\"Operations\": [{\"op\": \"replace\", \"path\": \"name\", \"value\": \"x\"}]}",
                "{\"Operations\": [{\"op\": \"replace\", \"path\": \"a.b.c\", \"value\": \"x\"}]}",
                "{\"Operations\": [{\"op\": \"remove\", \"path\": \"emails\"}]}",
                "{\"Operations\": [{\"op\": \"replace\", \"path\": \"active\", \"value\": \"maybe\"}]}",
                "{\"Operations\": [{\"op\": \"replace\", \"path\": \"userName\", \"value\": \"someone.else\"}]}")) {
            Api.Response answer = scim("PATCH", "/scim/v2/Users/" + created.getId(), oktaToken, malformed);
            assertThat(answer.status()).as(malformed).isEqualTo(400);
            assertThat(answer.json().get("schemas").get(0).asText()).as(malformed)
                    .isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        }
        assertThat(eventCount()).isEqualTo(before);

        // the SDK replaces with the version it read
        UserResource current = okta.retrieve("Users", created.getId(), UserResource.class);
        current.setDisplayName(null);
        current.getName().setFamilyName("Grey");
        UserResource replaced = okta.replaceRequest(current).ifMatch().invoke();
        assertThat(replaced.getName().getFamilyName()).isEqualTo("Grey");
        assertThatThrownBy(() -> okta.replaceRequest(current).ifMatch().invoke())
                .isInstanceOf(com.unboundid.scim2.common.exceptions.PreconditionFailedException.class);
    }

    @Test
    void a_replace_is_applied_whole_or_not_at_all_and_if_match_holds_for_all_of_it() throws ScimException {
        String login = "ivy." + letters(8) + "@okta.example";
        UserResource created = okta.create("Users", oktaUser(login, "Ivy", "Indigo", "developer"));
        String path = "/scim/v2/Users/" + created.getId();
        Api.Response read = api.get(path).token(oktaToken).send();
        String etag = read.header("ETag").orElseThrow();
        // the whole user as the client read it, with a new name, another email, deactivated
        com.fasterxml.jackson.databind.node.ObjectNode replacement = (com.fasterxml.jackson.databind.node.ObjectNode) read.json();
        replacement.remove("meta");
        replacement.put("externalId", "ext-" + login).put("active", false);
        ((com.fasterxml.jackson.databind.node.ObjectNode) replacement.get("name")).put("givenName", "Ivory");
        ((com.fasterxml.jackson.databind.node.ObjectNode) replacement.get("emails").get(0)).put("value", "other." + login);

        // another change after the client read the user: the replace it sends with that version changes nothing
        Api.Response meanwhile = scim("PATCH", path, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "name.familyName", "value": "Iris"}]}""");
        assertThat(meanwhile.status()).as(meanwhile.toString()).isEqualTo(200);
        long events = eventCount(created.getId());
        Api.Response stale = scim("PUT", path, oktaToken, replacement.toString(), etag);
        assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
        assertThat(eventCount(created.getId())).isEqualTo(events);

        // a replace whose last part is refused (an organization that does not exist) applies none of its first
        ((com.fasterxml.jackson.databind.node.ObjectNode) replacement.get(PORTAL_USER)).put("role", "developer")
                .put("organization", "No " + letters(12));
        Api.Response refused = scim("PUT", path, oktaToken, replacement.toString());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("detail").asText()).startsWith("R-ADD-4");
        assertThat(eventCount(created.getId())).isEqualTo(events);
        Api.Response unchanged = api.get(path).token(oktaToken).send();
        assertThat(unchanged.json().get("name").get("givenName").asText()).isEqualTo("Ivy");
        assertThat(unchanged.json().get("active").asBoolean()).isTrue();

        // with the version it read last, the whole replace is applied: name, email and state at once
        ((com.fasterxml.jackson.databind.node.ObjectNode) replacement.get(PORTAL_USER)).put("organization", organizationName);
        ((com.fasterxml.jackson.databind.node.ObjectNode) replacement.get("name")).put("familyName", "Iris");
        Api.Response replaced = scim("PUT", path, oktaToken, replacement.toString(), unchanged.header("ETag").orElseThrow());
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.json().get("name").get("givenName").asText()).isEqualTo("Ivory");
        assertThat(replaced.json().get("emails").get(0).get("value").asText()).isEqualTo("other." + login);
        assertThat(replaced.json().get("active").asBoolean()).isFalse();
        assertThat(eventCount(created.getId())).isEqualTo(events + 3);
        assertThat(replaced.header("ETag")).hasValue("\"" + (events + 2) + "\"");
    }

    @Test
    void R_EDIT_3_a_delete_deactivates_and_what_an_admin_may_edit_of_the_user_stays_as_the_rules_say() throws ScimException {
        String login = "hal." + letters(8) + "@okta.example";
        UserResource created = okta.create("Users", oktaUser(login, "Hal", "Hill", "developer"));

        okta.delete("Users", created.getId());
        UserResource after = okta.retrieve("Users", created.getId(), UserResource.class);
        assertThat(after.getActive()).isFalse();
        assertThat(jdbc.sql("select count(*) from domainevententry where aggregateidentifier = ? and payloadtype like '%UserDisabled'")
                .param(created.getId()).query(Long.class).single()).isEqualTo(1);

        // a Portal Admin still edits nothing of an external IdP user's details (R-EDIT-3)
        Api.Response edit = api.patch("/api/users/" + created.getId(), "{\"firstName\": \"Hacked\", \"lastName\": \"Hill\"}").token(admin).send();
        assertThat(edit.status()).as(edit.toString()).isEqualTo(403);
        assertThat(edit.json().get("code").asText()).isEqualTo("R-EDIT-3");
        // and the client reaches no user of another scheme, nor a portal-managed one
        String portalUser = user("Ivy", "Portal", letters(10) + "@portal.example", "API_OWNER");
        Api.Response foreign = scim("PATCH", "/scim/v2/Users/" + portalUser, oktaToken, fixture("okta-deactivate-user.json", Map.of()));
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(jdbc.sql("select enabled from actor where user_id = ?::uuid").param(portalUser).query(Boolean.class).single())
                .isTrue();
    }

    @Test
    void R_AUTH_1_groups_are_organizations_whose_members_an_idp_schemes_client_adds_and_removes() throws ScimException {
        UserResource ada = okta.create("Users", oktaUser("ada." + letters(8) + "@okta.example", "Ada", "Group", "developer"));
        String otherName = "Scim other " + letters(10);
        String other = organization(otherName);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql(
                "select count(*) from organization_view where organization_id = ?::uuid").param(other).query(Long.class).single() == 1);
        Api.Response entraUser = scim("POST", "/scim/v2/Users", entraToken, fixture("entra-create-user.json", Map.of(
                "userName", "Group_" + letters(8) + "@testuser.com", "email", "group." + letters(8) + "@testuser.com",
                "externalId", "g-" + letters(8), "organization", organizationName)));
        assertThat(entraUser.status()).as(entraUser.toString()).isEqualTo(201);

        GroupResource home = okta.retrieve("Groups", organizationId, GroupResource.class);
        assertThat(home.getDisplayName()).isEqualTo(organizationName);
        // the Okta client sees its own user in the organization, never Entra's
        assertThat(home.getMembers()).extracting(Member::getValue).containsExactly(ada.getId());
        ListResponse<GroupResource> byName = okta.searchRequest("Groups").filter("displayName eq \"" + otherName + "\"")
                .invoke(GroupResource.class);
        assertThat(byName.getResources()).extracting(GroupResource::getId).containsExactly(other);

        // Okta's group push: add a member, give it another org role, remove it
        Api.Response added = scim("PATCH", "/scim/v2/Groups/" + other, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "add", "path": "members", "value": [{"value": "%s", "display": "ada"}]}]}"""
                .formatted(ada.getId()));
        assertThat(added.status()).as(added.toString()).isEqualTo(200);
        assertThat(added.json().get("members").get(0).get("value").asText()).isEqualTo(ada.getId());
        assertThat(memberships(ada.getId())).containsExactlyInAnyOrder(organizationId + " DEVELOPER", other + " DEVELOPER");
        Api.Response promoted = scim("PATCH", "/scim/v2/Groups/" + other, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "%s:memberRoles", "value": [{"value": "%s", "role": "ORG_ADMIN"}]}]}"""
                .formatted(PORTAL_GROUP, ada.getId()));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(promoted.json().get(PORTAL_GROUP).get("memberRoles").get(0).get("role").asText()).isEqualTo("ORG_ADMIN");
        Api.Response removed = scim("PATCH", "/scim/v2/Groups/" + other, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "remove", "path": "members[value eq \\"%s\\"]"}]}""".formatted(ada.getId()));
        assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
        assertThat(removed.json().get("members")).isEmpty();
        assertThat(memberships(ada.getId())).containsExactly(organizationId + " DEVELOPER");
        assertThat(jdbc.sql("""
                        select count(*) from domainevententry where aggregateidentifier = ? and payloadtype like '%MembershipsChanged'
                        and position(? in convert_from(metadata, 'UTF8')) > 0""")
                .params(ada.getId(), "client:" + OKTA).query(Long.class).single()).isEqualTo(3);

        // with PORTAL authorization the organizations are assigned in the portal (R-EDIT-3)
        long before = eventCount();
        Api.Response refused = scim("PATCH", "/scim/v2/Groups/" + other, entraToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "Add", "path": "members", "value": [{"value": "%s"}]}]}"""
                .formatted(entraUser.json().get("id").asText()));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("detail").asText()).startsWith("R-EDIT-3");
        // a client adds no user of another scheme, creates, renames and deletes no organization
        Api.Response foreign = scim("PATCH", "/scim/v2/Groups/" + other, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "add", "path": "members", "value": [{"value": "%s"}]}]}"""
                .formatted(entraUser.json().get("id").asText()));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(scim("POST", "/scim/v2/Groups", oktaToken, "{\"displayName\": \"New\"}").status()).isEqualTo(403);
        assertThat(scim("PATCH", "/scim/v2/Groups/" + other, oktaToken, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "path": "displayName", "value": "Renamed"}]}""").status()).isEqualTo(400);
        assertThat(api.get("/scim/v2/Groups/not-an-organization").token(oktaToken).send().status()).isEqualTo(404);
        for (String malformed : List.of("{}", "{\"Operations\": [1]}", "{\"Operations\": [{\"path\": \"members\"}]}",
                "{\"Operations\": [{\"op\": \"add\", \"path\": \"members\"}]}",
                "{\"Operations\": [{\"op\": \"add\", \"path\": \"members\", \"value\": [{\"value\": {}}]}]}",
                "{\"Operations\": [{\"op\": \"replace\", \"path\": \"" + PORTAL_GROUP
                        + ":memberRoles\", \"value\": [{\"value\": \"" + ada.getId() + "\", \"role\": \"PORTAL_ADMIN\"}]}]}")) {
            Api.Response answer = scim("PATCH", "/scim/v2/Groups/" + other, oktaToken, malformed);
            assertThat(answer.status()).as(malformed).isEqualTo(400);
            assertThat(answer.contentType()).startsWith(SCIM_JSON);
        }
        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void R_AUTH_1_an_identity_provider_retrying_a_create_at_once_gets_one_user_and_a_409_uniqueness() throws Exception {
        String login = "twin." + letters(8) + "@okta.example";
        UserResource twin = oktaUser(login, "Twin", "Twice", "developer");
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                com.unboundid.scim2.common.utils.JsonUtils.valueToNode(twin));
        long before = eventCount();

        List<Integer> statuses = concurrently(6, index -> scim("POST", "/scim/v2/Users", oktaToken, body).status());

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
        assertThat(eventCount()).isEqualTo(before + 1);
    }

    private List<String> memberships(String user) {
        return jdbc.sql("select organization_id || ' ' || org_role from user_membership_view where user_id = ?::uuid")
                .param(user).query(String.class).list();
    }

    private UserResource oktaUser(String login, String givenName, String familyName, String role) throws ScimException {
        UserResource user = new UserResource().setUserName(login)
                .setName(new Name().setGivenName(givenName).setFamilyName(familyName))
                .setEmails(List.of(new Email().setValue(login).setType("work").setPrimary(true)))
                .setActive(true);
        user.setExternalId("ext-" + login);
        user.replaceExtensionValue(Path.root(PORTAL_USER).attribute("role"), TextNode.valueOf(role));
        user.replaceExtensionValue(Path.root(PORTAL_USER).attribute("organization"), TextNode.valueOf(organizationName));
        return user;
    }

    private List<String> userNames(String filter) throws ScimException {
        return okta.searchRequest("Users").filter(filter).invoke(UserResource.class).getResources().stream()
                .map(UserResource::getUserName).toList();
    }

    private Api.Response scim(String method, String path, String token, String body) {
        return scim(method, path, token, body, null);
    }

    private Api.Response scim(String method, String path, String token, String body, String ifMatch) {
        Api.Call call = switch (method) {
            case "POST" -> api.post(path, body);
            case "PUT" -> api.put(path, body);
            case "PATCH" -> api.patch(path, body);
            default -> throw new IllegalArgumentException(method);
        };
        call.token(token).header("Content-Type", SCIM_JSON).header("Accept", SCIM_JSON);
        if (ifMatch != null) {
            call.header("If-Match", ifMatch);
        }
        return call.send();
    }

    /** A request an identity provider sends, with {@code {{name}}} replaced by its value. */
    private static String fixture(String name, Map<String, String> values) {
        try (InputStream in = ScimApiTest.class.getResourceAsStream("/scim/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> value : values.entrySet()) {
                text = text.replace("{{" + value.getKey() + "}}", value.getValue());
            }
            assertThat(text).doesNotContain("{{");
            return text;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
