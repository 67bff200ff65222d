package io.portalusers.platform.embedded;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** R-AUTH-2: which connections the development token endpoint answers. */
class LocalTokenControllerTest {

    @ParameterizedTest(name = "local {0}, remote {1}, forwarded by {2}: {3}")
    @CsvSource(nullValues = "-", value = {
            "127.0.0.1, 127.0.0.1, -, true",
            "127.0.0.1, 127.0.0.2, -, true",
            "0:0:0:0:0:0:0:1, 0:0:0:0:0:0:0:1, -, true",
            "192.0.2.2, 203.0.113.9, -, false",
            "192.0.2.2, 192.0.2.2, -, false",
            "127.0.0.1, 203.0.113.9, -, false",
            "192.0.2.2, 127.0.0.1, -, false",
            "127.0.0.1, 127.0.0.1, X-Forwarded-For, false",
            "127.0.0.1, 127.0.0.1, Forwarded, false",
            "localhost, localhost, -, false"})
    void R_AUTH_2_only_a_loopback_connection_without_a_proxy_is_answered(String local, String remote, String header,
                                                                           boolean answered) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/dev/token");
        request.setLocalAddr(local);
        request.setRemoteAddr(remote);
        if (header != null) {
            request.addHeader(header, "203.0.113.9");
        }

        assertThat(LocalTokenController.overLoopback(request)).isEqualTo(answered);
    }
}
