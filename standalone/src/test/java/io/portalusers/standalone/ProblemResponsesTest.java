package io.portalusers.standalone;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a clear problem+json with a stable code, never a 500, a stack trace or SQL. */
@ExtendWith(OutputCaptureExtension.class)
class ProblemResponsesTest extends ApiTest {

    record Bad(String name, String method, String path, String contentType, String accept, String body,
               int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badRequests() {
        String json = "application/json";
        return Stream.of(
                new Bad("unknown field", "POST", "/api/organizations", json, json,
                        "{\"name\":\"X Corp\",\"accountPlan\":\"Gold\",\"orgId\":\"x\"}", 400, "unknown-field"),
                new Bad("duplicate key", "POST", "/api/organizations", json, json,
                        "{\"name\":\"X\",\"name\":\"Y\",\"accountPlan\":\"Gold\"}", 400, "malformed-json"),
                new Bad("malformed JSON", "POST", "/api/organizations", json, json, "{\"name\":", 400, "malformed-json"),
                new Bad("trailing garbage", "POST", "/api/organizations", json, json,
                        "{\"name\":\"X\",\"accountPlan\":\"Gold\"} []", 400, "malformed-json"),
                new Bad("wrong type", "POST", "/api/organizations", json, json,
                        "{\"name\":{\"deep\":[1,2]},\"accountPlan\":\"Gold\"}", 400, "invalid-request"),
                new Bad("not an object", "POST", "/api/organizations", json, json, "[1,2,3]", 400, "invalid-request"),
                new Bad("empty body", "POST", "/api/organizations", json, json, "", 400, "unreadable-body"),
                new Bad("control characters in a name", "POST", "/api/organizations", json, json,
                        "{\"name\":\"Evil\\r\\nCorp\",\"accountPlan\":\"Gold\"}", 400, "invalid-request"),
                new Bad("a name too long", "POST", "/api/organizations", json, json,
                        "{\"name\":\"" + "x".repeat(101) + "\",\"accountPlan\":\"Gold\"}", 400, "invalid-request"),
                new Bad("a bad id in the client-supplied field", "POST", "/api/organizations", json, json,
                        "{\"id\":\"not-a-uuid\",\"name\":\"X\",\"accountPlan\":\"Gold\"}", 400, "invalid-request"),
                new Bad("not JSON", "POST", "/api/organizations", "text/plain", json, "name=x", 415, "unsupported-media-type"),
                new Bad("unacceptable", "GET", "/api/organizations", null, "application/xml", null, 406, "not-acceptable"),
                new Bad("bad id in path", "GET", "/api/organizations/123", null, json, null, 400, "invalid-request"),
                new Bad("bad If-Match", "PUT", "/api/settings", json, json,
                        "{\"ssoEnabled\":false,\"thirdPartyRegistrationEnabled\":false,\"registrationWorkflowEnabled\":false}",
                        400, "invalid-request"),
                new Bad("unknown path", "GET", "/api/nothing-here", null, json, null, 404, "not-found"),
                new Bad("wrong method", "DELETE", "/api/settings", null, json, null, 405, "method-not-allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void bad_input_gets_a_problem_and_changes_nothing(Bad bad) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + bad.path()))
                .header("Authorization", "Bearer " + admin)
                .method(bad.method(), bad.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(bad.body()));
        if (bad.contentType() != null) {
            request.header("Content-Type", bad.contentType());
        }
        request.header("Accept", bad.accept());
        if (bad.name().equals("bad If-Match")) {
            request.header("If-Match", "yesterday");
        }
        long events = eventCount();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(bad.status());
        if (bad.status() != 406) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.body()).contains("\"code\":\"" + bad.code() + "\"");
        }
        assertThat(response.body()).doesNotContainIgnoringCase("exception")
                .doesNotContainIgnoringCase("select ")
                .doesNotContain("at io.")
                .doesNotContain("org.springframework");
        assertThat(eventCount()).isEqualTo(events);
    }

    /** Requests the firewall or the container refuse before any controller, sent byte for byte. */
    static Stream<Arguments> refusedBeforeAnyController() {
        String user = "00000000-0000-4000-8000-000000000001";
        return Stream.of(
                new String[]{"/actuator/health?%01=1", "request-rejected"},
                // parameter names are checked where they are read: after authentication (anonymous: a plain 401)
                new String[]{"/api/users/" + user + "?%01=1", "request-rejected", "lazy"},
                new String[]{"/api/users/" + user + "/history?%7F=1", "request-rejected", "lazy"},
                new String[]{"/api/a%0Ab", "request-rejected"},
                new String[]{"/api/users/%0A", "request-rejected"},
                new String[]{"//api/users", "request-rejected"},
                new String[]{"/api/users;x=1", "request-rejected"},
                new String[]{"/api/users/%2F..%2Fsettings", "bad-request"},
                new String[]{"/api/a%2Fb", "bad-request"},
                new String[]{"/api/a%5Cb", "bad-request"},
                new String[]{"/api/a%00b", "bad-request"},
                new String[]{"/api/users/a%25%32%66b", "request-rejected"}).map(refused -> Arguments.of((Object) refused));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBeforeAnyController")
    void a_request_the_firewall_or_the_container_refuses_is_a_400_problem_without_a_stack_trace(String[] refused,
            CapturedOutput log) throws Exception {
        String path = refused[0];
        boolean checkedAfterAuthentication = refused.length > 2;
        for (String token : new String[]{null, admin}) {
            int logged = log.getAll().length();

            RawHttp.Answer answer = RawHttp.send("127.0.0.1", port, "GET", path, null,
                    token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));

            boolean unauthenticated = token == null && checkedAfterAuthentication;
            assertThat(answer.status()).as(answer.body()).isEqualTo(unauthenticated ? 401 : 400);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.body()).contains("\"code\":\"" + (unauthenticated ? "unauthenticated" : refused[1]) + "\"")
                    .doesNotContain("<html");
            assertThat(log.getAll().substring(logged)).doesNotContain("\tat ");
        }
    }
}
