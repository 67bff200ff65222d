package io.portalusers.standalone;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.portalusers.api.UserId;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserDisabled;
import io.portalusers.platform.PlatformEnvironment;
import io.portalusers.platform.embedded.LocalTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Per class, so that the table of refused callers can be signed with the service's own key. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationApiTest extends ApiTest {

    @Autowired
    private RSAKey localSigningKey;

    private String sign(RSAKey key, String subject, Instant expiresAt, Map<String, Object> extraClaims) {
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(LocalTokens.ISSUER)
                .audience(List.of(PlatformEnvironment.EMBEDDED_AUDIENCE))
                .subject(subject)
                .issuedAt(expiresAt.minus(1, ChronoUnit.HOURS))
                .expiresAt(expiresAt);
        extraClaims.forEach(claims::claim);
        return new NimbusJwtEncoder(new com.nimbusds.jose.jwk.source.ImmutableJWKSet<>(new com.nimbusds.jose.jwk.JWKSet(key)))
                .encode(JwtEncoderParameters.from(JwsHeader.with(SignatureAlgorithm.RS256).build(), claims.build()))
                .getTokenValue();
    }

    record Case(String name, String authorization) {
        @Override
        public String toString() {
            return name;
        }
    }

    Stream<Case> refusedCallers() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        String adminId = "00000000-0000-4000-8000-000000000001";
        Instant later = Instant.now().plus(1, ChronoUnit.HOURS);
        return Stream.of(
                new Case("no token", null),
                new Case("not a JWT", "Bearer not-a-token"),
                new Case("not bearer", "Basic YWRtaW46YWRtaW4="),
                new Case("another key's signature", "Bearer " + sign(stranger, adminId, later, Map.of())),
                new Case("expired", "Bearer " + sign(localSigningKey, adminId, Instant.now().minus(1, ChronoUnit.HOURS), Map.of())),
                new Case("unknown subject", "Bearer " + sign(localSigningKey, UUID.randomUUID().toString(), later, Map.of())),
                new Case("subject not a user id", "Bearer " + sign(localSigningKey, "admin", later, Map.of())),
                new Case("R-AUTH-2 subject not in canonical form", "Bearer " + sign(localSigningKey, "0-0-4000-8000-1", later, Map.of())),
                new Case("R-AUTH-2 issued for another audience", "Bearer " + sign(localSigningKey, adminId, later,
                        Map.of("aud", List.of("billing-api")))),
                new Case("R-AUTH-2 another issuer", "Bearer " + sign(localSigningKey, adminId, later,
                        Map.of("iss", "https://other.example"))),
                new Case("R-AUTH-2 a machine client not on the allowlist", "Bearer " + sign(localSigningKey, "other-tool", later,
                        Map.of("scope", "audit:read"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCallers")
    void R_AUTH_2_refused_callers_get_one_undistinguished_401(Case caller) {
        Api.Call call = api.post("/api/organizations", """
                {"name": "Never %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID()));
        if (caller.authorization() != null) {
            call.header("Authorization", caller.authorization());
        }
        long events = eventCount();

        Api.Response response = call.send();

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("code").asText()).isEqualTo("unauthenticated");
        assertThat(response.json().get("detail").asText()).isEqualTo("a valid bearer token is required");
        assertThat(response.header("WWW-Authenticate")).contains("Bearer");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void R_STATE_1_a_disabled_users_valid_token_stops_working_at_once() {
        UserId developer = givenUser(Role.DEVELOPER);
        String token = tokenFor(developer);
        assertThat(api.get("/api/users/" + developer).token(token).send().status()).isNotEqualTo(401);

        givenEvent(developer, new UserDisabled(developer));

        Api.Response refused = api.get("/api/users/" + developer).token(token).send();
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("code").asText()).isEqualTo("unauthenticated");
    }

    @Test
    void roles_come_from_the_service_never_from_token_claims() {
        UserId developer = givenUser(Role.DEVELOPER);
        String claimsToBeAdmin = sign(localSigningKey, developer.toString(), Instant.now().plus(1, ChronoUnit.HOURS),
                Map.of("roles", "PORTAL_ADMIN", "scope", "admin", "groups", "portal-admins"));

        Api.Response response = api.put("/api/settings", """
                {"ssoEnabled": true, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}""")
                .header("Authorization", "Bearer " + claimsToBeAdmin).send();

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("code").asText()).isEqualTo("R-SET-1");
    }

    @Test
    void every_event_carries_the_actor_the_correlation_id_and_the_reason() {
        Api.Response created = api.post("/api/organizations", """
                {"name": "Traced %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID()))
                .token(admin)
                .header("X-Correlation-Id", "trace-42.a")
                .header("X-Reason", "Onboarding%20the%20Z%C3%BCrich%20office")
                .send();

        assertThat(created.header("X-Correlation-Id")).contains("trace-42.a");
        String metadata = jdbc.sql("select convert_from(metadata, 'UTF8') from domainevententry where aggregateidentifier = ?")
                .param(created.json().get("id").asText()).query(String.class).single();
        assertThat(metadata)
                .contains("\"actorId\":\"00000000-0000-4000-8000-000000000001\"")
                .contains("\"correlationId\":\"trace-42.a\"")
                .contains("\"reason\":\"Onboarding the Zürich office\"");
    }

    @Test
    void a_correlation_id_is_made_when_none_or_an_unusable_one_is_given() {
        Api.Response none = api.get("/api/settings").token(admin).send();
        Api.Response injected = api.get("/api/settings").token(admin).header("X-Correlation-Id", "a b<script>").send();

        assertThat(none.header("X-Correlation-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
        assertThat(injected.header("X-Correlation-Id")).hasValueSatisfying(id -> assertThat(id).doesNotContain("<"));
    }

    @Test
    void a_reason_with_control_characters_is_refused_and_appends_nothing() {
        long events = eventCount();

        Api.Response response = api.post("/api/organizations", """
                {"name": "Reasoned %s", "accountPlan": "Gold"}""".formatted(UUID.randomUUID()))
                .token(admin).header("X-Reason", "line%0D%0Abreak").send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().at("/errors/0/field").asText()).isEqualTo("X-Reason");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void the_embedded_default_hands_out_tokens_by_username() {
        Api.Response issued = api.get("/api/dev/token?username=ADMIN").send();

        assertThat(issued.status()).isEqualTo(200);
        String token = issued.json().get("token").asText();
        assertThat(api.get("/api/settings").token(token).send().status()).isEqualTo(200);
        assertThat(api.get("/api/dev/token?username=nobody-here").send().status()).isEqualTo(404);
    }
}
