package io.portalusers.standalone;

import io.portalusers.api.user.Role;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health with the database, Prometheus metrics of Axon's buses and processors, the OpenAPI document. */
class OperabilityTest extends ApiTest {

    @Test
    void health_includes_the_database() {
        Api.Response health = api.get("/actuator/health").send();

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain("postgres");
    }

    @Test
    void prometheus_shows_axon_metrics_per_processor() {
        api.get("/api/settings").token(admin).send();
        api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": false, "registrationWorkflowEnabled": false}""")
                .token(admin).send();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get("/actuator/prometheus").token(admin).send().body())
                .contains("commandBus_successCounter_total")
                .containsPattern("commandBus_allTimer_seconds_sum\\{[^}]*payloadType=\"ChangePortalSettings\"")
                .containsPattern("eventProcessor_\\w+\\{[^}]*processorName=\"command-lookups\"")
                .containsPattern("eventProcessor_successCounter_total\\{[^}]*processorName=\"settings\"")
                .containsPattern("eventProcessor_allTimer_seconds_sum\\{[^}]*processorName=\"settings\"")
                .containsPattern("eventProcessor_latency\\{[^}]*processorName=\"settings\"")
                // Axon's capacity gauges keep ten minutes of messages in memory (MessageMetrics): none here
                .doesNotContainPattern("(eventProcessor|commandBus|queryBus)_capacity"));
    }

    @Test
    void metrics_are_read_by_portal_admins_and_allowed_scrapers_only() {
        String developer = tokenFor(givenUser(Role.DEVELOPER));
        String scraper = api.get("/api/dev/token?client=prometheus&scope=metrics:read").send().json().get("token").asText();
        String stranger = api.get("/api/dev/token?client=grafana-agent&scope=metrics:read").send().json().get("token").asText();
        String auditor = api.get("/api/dev/token?client=reporting&scope=audit:read").send().json().get("token").asText();

        for (String path : new String[]{"/actuator/prometheus", "/actuator/metrics"}) {
            assertThat(api.get(path).send().status()).as("anonymous " + path).isEqualTo(401);
            assertThat(api.get(path).token(stranger).send().status()).as("a scraper not allowed " + path).isEqualTo(401);
            assertThat(api.get(path).token(developer).send().status()).as("a developer " + path).isEqualTo(403);
            assertThat(api.get(path).token(auditor).send().status()).as("an audit client " + path).isEqualTo(403);
            assertThat(api.get(path).token(admin).send().status()).as("a Portal Admin " + path).isEqualTo(200);
            assertThat(api.get(path).token(scraper).send().status()).as("the allowed scraper " + path).isEqualTo(200);
        }
        assertThat(api.get("/api/settings").token(scraper).send().status()).isEqualTo(403);
        assertThat(api.get("/api/audit/events").token(scraper).send().status()).isEqualTo(403);
        assertThat(api.get("/actuator/health").send().status()).isEqualTo(200);
    }

    @Test
    void the_openapi_document_and_swagger_ui_are_served() {
        Api.Response document = api.get("/v3/api-docs").send();

        assertThat(document.status()).isEqualTo(200);
        assertThat(document.json().at("/paths").has("/api/users")).isTrue();
        assertThat(document.json().at("/paths").has("/api/organizations")).isTrue();
        assertThat(api.get("/swagger-ui/index.html").send().status()).isEqualTo(200);
    }

    @Test
    void a_ten_megabyte_body_is_refused_before_it_is_read() throws Exception {
        HttpRequest huge = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/organizations"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}"))
                .build();
        long events = eventCount();

        HttpResponse<String> response = HttpClient.newHttpClient().send(huge, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"payload-too-large\"");
        assertThat(eventCount()).isEqualTo(events);
    }
}
