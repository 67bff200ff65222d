package io.portalusers.standalone;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-AUTH-2: the embedded default's development token endpoint mints a token for any user, so
 * it answers only a caller on this machine that came in over the loopback interface and not
 * through a proxy. To anyone else it is a path that does not exist. (Callers on another
 * interface are refused by the same check, tested in the platform module: these tests call
 * only over loopback.)
 */
class DevTokenEndpointTest extends ApiTest {

    private static final String PATH = "/api/dev/token?username=admin";

    @Test
    void R_AUTH_2_a_caller_on_the_loopback_interface_gets_a_token() throws IOException {
        RawHttp.Answer answer = RawHttp.send("127.0.0.1", port, "GET", PATH, null, Map.of());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"token\":");
    }

    @Test
    void R_AUTH_2_a_request_forwarded_by_a_proxy_gets_a_404_and_no_token() throws IOException {
        for (Map<String, String> forwarded : List.of(
                Map.of("X-Forwarded-For", "203.0.113.9"),
                Map.of("Forwarded", "for=203.0.113.9;proto=https"),
                Map.of("X-Forwarded-For", "127.0.0.1"))) {
            RawHttp.Answer answer = RawHttp.send("127.0.0.1", port, "GET", PATH, null, forwarded);

            assertThat(answer.status()).as(forwarded.toString()).isEqualTo(404);
            assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
            assertThat(answer.body()).contains("\"code\":\"not-found\"").doesNotContain("token\":");
        }
    }
}
