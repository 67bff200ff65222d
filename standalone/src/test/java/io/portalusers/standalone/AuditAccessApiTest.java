package io.portalusers.standalone;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.portalusers.api.OrganizationId;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Membership;
import io.portalusers.api.user.Role;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.embedded.LocalTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who reads the audit record: Portal Admins all of it; Org Admins a user's
 * past while it was a member of an organization they administer; machine clients whose token
 * carries the audit:read scope all of it, and they change nothing; nobody else.
 *
 * <p>One life, scripted once through the API: Dave is created a Developer in Acme (whose Org
 * Admin is Olga), moves to Globex (whose Org Admin is Otto), and is renamed there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditAccessApiTest extends ApiTest {

    @Autowired
    private RSAKey localSigningKey;

    private String acme;
    private String globex;
    private String dave;
    private String olga;
    private String otto;
    private Instant inAcme;
    private String machine;

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }


    private static void ok(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isIn(200, 201);
    }

    @BeforeAll
    void daveMovesFromAcmeToGlobex() throws Exception {
        connect();
        acme = organization();
        globex = organization();
        olga = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(acme), Role.ORG_ADMIN)));
        otto = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(globex), Role.ORG_ADMIN)));
        dave = user("Dave", "Smith", "dave-" + unique() + "@example.com", "DEVELOPER", acme, "DEVELOPER");
        Thread.sleep(3);
        inAcme = Instant.now();
        Thread.sleep(3);
        ok(api.put("/api/users/" + dave + "/memberships", """
                {"memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}""".formatted(globex)).token(admin).send());
        ok(api.patch("/api/users/" + dave, """
                {"firstName": "David", "lastName": "Smith", "email": "david-%s@example.com", "language": "en"}"""
                .formatted(unique())).token(admin).header("If-Match", "\"1\"").send());
        machine = api.get("/api/dev/token?client=reporting&scope=audit:read").send().json().get("token").asText();
    }

    private Api.Response history(String user, String token) {
        return api.get("/api/users/" + user + "/history?size=100").token(token).send();
    }

    private Api.Response at(String user, Instant instant, String token) {
        return api.get("/api/users/" + user + "?at=" + instant).token(token).send();
    }

    private static List<Long> sequenceNumbers(Api.Response history) {
        assertThat(history.status()).as(history.toString()).isEqualTo(200);
        List<Long> numbers = new ArrayList<>();
        history.json().get("items").forEach(entry -> numbers.add(entry.get("sequenceNumber").asLong()));
        assertThat(history.json().get("total").asLong()).isEqualTo(numbers.size());
        return numbers;
    }

    /** The sequence number of Dave's move from Acme to Globex. */
    private long move() {
        List<Long> moves = new ArrayList<>();
        history(dave, admin).json().get("items").forEach(entry -> {
            if (entry.get("type").asText().equals("Memberships changed")) {
                moves.add(entry.get("sequenceNumber").asLong());
            }
        });
        assertThat(moves).hasSize(1);
        return moves.get(0);
    }

    private String sign(RSAKey key, String subject, Instant expiresAt, Map<String, Object> claims) {
        JwtClaimsSet.Builder set = JwtClaimsSet.builder().issuer(LocalTokens.ISSUER)
                .audience(List.of(PlatformEnvironment.EMBEDDED_AUDIENCE)).subject(subject)
                .issuedAt(expiresAt.minus(1, ChronoUnit.HOURS)).expiresAt(expiresAt);
        claims.forEach(set::claim);
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)))
                .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), set.build()))
                .getTokenValue();
    }

    // --- Org Admins by membership, past and present --------------------------------------

    @Test
    void R_AUD_1_an_org_admin_reads_a_users_history_while_it_was_a_member_of_its_organization() {
        List<Long> all = sequenceNumbers(history(dave, admin));
        long move = move();

        assertThat(all).hasSizeGreaterThan(3).contains(move);
        // Olga's Acme: the creation there up to the move that ended the membership, not what came after
        assertThat(sequenceNumbers(history(dave, olga))).isEqualTo(all.stream().filter(n -> n <= move).toList());
        // Otto's Globex: from the move that made Dave a member on, not his time in Acme
        assertThat(sequenceNumbers(history(dave, otto))).isEqualTo(all.stream().filter(n -> n >= move).toList());
    }

    @Test
    void R_AUD_1_the_full_history_as_json_lines_has_the_entries_of_the_pages_for_each_reader() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String reader : List.of(admin, olga, otto, machine)) {
            Api.Response lines = api.get("/api/users/" + dave + "/history?format=jsonl").token(reader).send();
            assertThat(lines.status()).isEqualTo(200);
            assertThat(lines.contentType()).startsWith("application/x-ndjson");
            List<com.fasterxml.jackson.databind.JsonNode> entries = new ArrayList<>();
            for (String line : lines.body().split("\n")) {
                entries.add(json.readTree(line));
            }
            List<com.fasterxml.jackson.databind.JsonNode> paged = new ArrayList<>();
            history(dave, reader).json().get("items").forEach(paged::add);
            assertThat(entries).isEqualTo(paged);
        }
        assertThat(api.get("/api/users/" + dave + "/history?format=csv").token(admin).send().status()).isEqualTo(400);
        assertThat(api.get("/api/users/" + dave + "/history?format=jsonl").token(tokenFor(
                givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(organization()), Role.ORG_ADMIN)))).send().status())
                .isEqualTo(404);
    }

    /** The sequence numbers of Dave's events in an export. */
    private List<Long> exported(String query, String token) {
        Api.Response export = api.get("/api/audit/events?" + query).token(token).send();
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        List<Long> numbers = new ArrayList<>();
        for (String line : export.body().split("\n")) {
            if (line.contains("\"aggregateId\":\"" + dave + "\"")) {
                numbers.add(Long.parseLong(line.replaceAll(".*\"sequenceNumber\":(\\d+).*", "$1")));
            }
        }
        return numbers;
    }

    @Test
    void R_AUD_1_an_organizations_export_has_a_users_events_while_it_was_a_member_as_its_history() {
        List<Long> all = sequenceNumbers(history(dave, admin));
        long move = move();
        List<Long> inAcmeEvents = all.stream().filter(n -> n <= move).toList();
        List<Long> inGlobexEvents = all.stream().filter(n -> n >= move).toList();

        assertThat(exported("organization=" + acme, olga)).isEqualTo(inAcmeEvents);
        assertThat(exported("organization=" + globex, otto)).isEqualTo(inGlobexEvents);
        assertThat(exported("organization=" + acme, machine)).isEqualTo(inAcmeEvents);
        assertThat(exported("organization=" + acme + "&user=" + dave, admin)).isEqualTo(inAcmeEvents);
        assertThat(exported("organization=" + globex + "&from=" + inAcme, admin)).isEqualTo(inGlobexEvents);
        assertThat(exported("organization=" + acme + "&from=" + inAcme, admin)).containsExactly(move);
        assertThat(exported("user=" + dave, machine)).isEqualTo(all);
    }

    @Test
    void R_AUD_2_an_org_admin_reads_the_account_at_instants_when_the_user_was_a_member_only() {
        Instant now = Instant.now();

        Api.Response olgaThen = at(dave, inAcme, olga);
        Api.Response olgaNow = at(dave, now, olga);
        Api.Response ottoThen = at(dave, inAcme, otto);
        Api.Response ottoNow = at(dave, now, otto);

        assertThat(olgaThen.status()).isEqualTo(200);
        assertThat(olgaThen.json().get("firstName").asText()).isEqualTo("Dave");
        assertThat(ottoNow.status()).isEqualTo(200);
        assertThat(ottoNow.json().get("firstName").asText()).isEqualTo("David");
        assertThat(List.of(olgaNow.status(), ottoThen.status())).containsOnly(403);
        assertThat(olgaNow.json().get("code").asText()).isEqualTo("R-AUD-1");
        assertThat(olgaNow.contentType()).startsWith("application/problem+json");
    }

    @Test
    void R_AUD_1_org_admins_of_other_organizations_and_developers_read_nothing() {
        String stranger = tokenFor(givenUser(Role.ORG_ADMIN, new Membership(OrganizationId.of(organization()), Role.ORG_ADMIN)));
        UserId colleague = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(globex), Role.DEVELOPER));
        String developer = tokenFor(colleague);

        for (String reader : List.of(stranger, developer)) {
            assertThat(history(dave, reader).status()).isEqualTo(404);
            assertThat(at(dave, Instant.now(), reader).status()).isEqualTo(404);
            assertThat(api.get("/api/audit/events?user=" + dave).token(reader).send().status()).isEqualTo(403);
        }
        // the command audit: an Org Admin reads the records about its own organizations, here none
        assertThat(api.get("/api/audit/commands?target=" + dave).token(stranger).send().json().get("total").asLong())
                .isZero();
        assertThat(api.get("/api/audit/commands?target=" + dave).token(developer).send().status()).isEqualTo(403);
        Api.Response own = history(colleague.toString(), developer);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().get("code").asText()).isEqualTo("R-AUD-1");
    }

    // --- machine clients with the audit:read scope ------------------------------------------

    @Test
    void a_machine_client_with_audit_read_reads_every_audit_read_and_the_reports() {
        List<String> reads = List.of(
                "/api/users/" + dave + "/history",
                "/api/users/" + dave + "?at=" + inAcme,
                "/api/audit/events?user=" + dave,
                "/api/audit/events?organization=" + acme + "&format=csv",
                "/api/audit/events",
                "/api/audit/commands?target=" + dave,
                "/api/reports/users-by-state",
                "/api/reports/organizations",
                "/api/reports/pending-activations");

        Map<String, Integer> statuses = new LinkedHashMap<>();
        reads.forEach(path -> statuses.put(path, api.get(path).token(machine).send().status()));

        assertThat(statuses).allSatisfy((path, status) -> assertThat(status).as(path).isEqualTo(200));
        assertThat(sequenceNumbers(history(dave, machine))).isEqualTo(sequenceNumbers(history(dave, admin)));
        assertThat(at(dave, inAcme, machine).json().get("memberships").get(0).get("organizationId").asText())
                .isEqualTo(acme);
        assertThat(api.get("/api/audit/events?user=" + dave).token(machine).send().body().lines())
                .hasSize((int) eventCount(dave));
        assertThat(api.get("/api/audit/commands?target=" + dave).token(machine).send().json().get("total").asLong())
                .isEqualTo(api.get("/api/audit/commands?target=" + dave).token(admin).send().json().get("total").asLong())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void a_machine_client_changes_nothing_every_command_is_a_403_and_appends_no_event() {
        String org = acme;
        String scheme = UUID.randomUUID().toString();
        List<Api.Call> commands = List.of(
                api.post("/api/users", """
                        {"username": "m-%s", "email": "m-%s@example.com", "firstName": "M", "lastName": "M",
                         "role": "API_OWNER"}""".formatted(unique(), unique())),
                api.patch("/api/users/" + dave, "{\"firstName\": \"Mallory\"}"),
                api.put("/api/users/" + dave + "/role", "{\"role\": \"API_OWNER\"}"),
                api.put("/api/users/" + dave + "/memberships", "{\"memberships\": []}"),
                api.post("/api/users/" + dave + "/enable", ""),
                api.post("/api/users/" + dave + "/disable", ""),
                api.post("/api/users/" + dave + "/activation-email", ""),
                api.put("/api/settings", """
                        {"ssoEnabled": true, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}"""),
                api.post("/api/organizations", "{\"name\": \"Machine %s\", \"accountPlan\": \"Gold\"}".formatted(unique())),
                api.put("/api/organizations/" + org + "/plan", "{\"accountPlan\": \"Platinum\"}"),
                api.post("/api/authentication-schemes", "{\"name\": \"M\", \"authorizationType\": \"PORTAL\"}"),
                api.put("/api/authentication-schemes/" + scheme, "{\"name\": \"M\", \"authorizationType\": \"PORTAL\"}"),
                api.post("/api/authentication-schemes/" + scheme + "/users", "{\"subject\": \"s\"}"),
                api.post("/api/admin/projections/users/rebuild", ""),
                api.post("/api/account-setup/" + "x".repeat(43), "{\"password\": \"a long passphrase of mine\"}"),
                api.post("/api/organizations", "{\"name\": \"Keyed %s\", \"accountPlan\": \"Gold\"}".formatted(unique()))
                        .header("Idempotency-Key", "machine-" + unique()));
        long events = eventCount();
        long audited = jdbc.sql("select count(*) from command_audit").query(Long.class).single();

        List<Api.Response> answers = commands.stream().map(call -> call.token(machine).send()).toList();

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("code").asText()).isEqualTo("audit-read-only");
        });
        assertThat(eventCount()).isEqualTo(events);
        assertThat(jdbc.sql("select count(*) from command_audit").query(Long.class).single()).isEqualTo(audited);
    }

    @Test
    void a_machine_client_reads_nothing_outside_the_audit_record_and_the_reports() {
        List<String> reads = List.of("/api/users?name=dave", "/api/users/suggestions?name=dave", "/api/users/" + dave,
                "/api/organizations", "/api/organizations/" + acme, "/api/settings", "/api/admin/projections");

        List<Api.Response> answers = reads.stream().map(path -> api.get(path).token(machine).send()).toList();

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
            assertThat(answer.json().get("code").asText()).isEqualTo("audit-read-only");
        });
    }

    @Test
    void a_machine_token_without_the_scope_expired_or_badly_signed_is_a_401() throws Exception {
        Instant later = Instant.now().plus(1, ChronoUnit.HOURS);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        List<String> tokens = List.of(
                api.get("/api/dev/token?client=reporting").send().json().get("token").asText(),
                api.get("/api/dev/token?client=reporting&scope=audit:write%20reports").send().json().get("token").asText(),
                sign(localSigningKey, "reporting", later, Map.of("scope", "audit:reader")),
                sign(localSigningKey, "reporting", Instant.now().minus(1, ChronoUnit.MINUTES), Map.of("scope", "audit:read")),
                sign(stranger, "reporting", later, Map.of("scope", "audit:read")),
                sign(localSigningKey, "bad client id", later, Map.of("scope", "audit:read")));

        for (String token : tokens) {
            Api.Response answer = history(dave, token);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
            assertThat(answer.json().get("code").asText()).isEqualTo("unauthenticated");
        }
    }

    @Test
    void the_scope_may_come_as_an_scp_list_as_some_identity_providers_send_it() {
        String token = sign(localSigningKey, "reporting", Instant.now().plus(1, ChronoUnit.HOURS),
                Map.of("scp", List.of("openid", "audit:read")));

        assertThat(history(dave, token).status()).isEqualTo(200);
        assertThat(api.post("/api/users/" + dave + "/disable", "").token(token).send().status()).isEqualTo(403);
    }

    @Test
    void a_users_token_with_audit_read_gains_nothing_from_the_scope() {
        UserId colleague = givenUser(Role.DEVELOPER, new Membership(OrganizationId.of(globex), Role.DEVELOPER));
        String scoped = tokens.issue(colleague, "audit:read").token();
        String disabled = user("Dis", "Abled", "dis-" + unique() + "@example.com", "API_OWNER");
        ok(api.post("/api/users/" + disabled + "/disable", "").token(admin).send());
        String disabledScoped = tokens.issue(UserId.of(disabled), "audit:read").token();
        long events = eventCount(dave);

        Api.Response read = history(dave, scoped);
        Api.Response export = api.get("/api/audit/events").token(scoped).send();
        Api.Response command = api.post("/api/users/" + dave + "/disable", "").token(scoped).send();

        assertThat(read.status()).isEqualTo(404);
        assertThat(export.status()).isEqualTo(403);
        assertThat(export.json().get("code").asText()).isEqualTo("R-AUD-1");
        assertThat(command.status()).isEqualTo(403);
        assertThat(command.json().get("code").asText()).isNotEqualTo("audit-read-only");
        assertThat(eventCount(dave)).isEqualTo(events);
        assertThat(history(dave, disabledScoped).status()).isEqualTo(401);
        // and Portal Admins keep what they have, with or without the scope
        String adminScoped = tokens.issue(UserId.of("00000000-0000-4000-8000-000000000001"), "audit:read").token();
        assertThat(api.get("/api/settings").token(adminScoped).send().status()).isEqualTo(200);
    }

    @Test
    void the_embedded_default_hands_out_machine_tokens_by_client_id() {
        Api.Response issued = api.get("/api/dev/token?client=reporting&scope=audit:read").send();

        assertThat(issued.status()).isEqualTo(200);
        assertThat(issued.json().get("clientId").asText()).isEqualTo("reporting");
        assertThat(issued.json().get("scope").asText()).isEqualTo("audit:read");
        assertThat(api.get("/api/dev/token?client=00000000-0000-4000-8000-000000000001&scope=audit:read").send().status())
                .isEqualTo(400);
        assertThat(api.get("/api/dev/token?client=a%20b").send().status()).isEqualTo(400);
        assertThat(api.get("/api/dev/token?client=x&scope=a%0Ab").send().status()).isEqualTo(400);
    }
}
