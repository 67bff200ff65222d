package io.portalusers.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which address a request's rate-limit budget is counted against, so that a spoofed
 * X-Forwarded-For does not reset it.
 */
class ClientAddressesTest {

    private static MockHttpServletRequest from(String peer, String... forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        for (String header : forwardedFor) {
            request.addHeader("X-Forwarded-For", header);
        }
        return request;
    }

    @Test
    void without_trusted_proxies_the_peer_counts_whatever_it_forwards() {
        ClientAddresses none = new ClientAddresses("");
        assertThat(none.of(from("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void a_peer_that_is_not_a_trusted_proxy_cannot_claim_another_address() {
        ClientAddresses trusted = new ClientAddresses("10.0.0.1");
        assertThat(trusted.of(from("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
    }

    @Test
    void behind_trusted_proxies_the_right_most_untrusted_forwarded_address_counts() {
        ClientAddresses trusted = new ClientAddresses("10.0.0.1, 172.16.0.0/12");
        assertThat(trusted.of(from("10.0.0.1", "198.51.100.1"))).isEqualTo("198.51.100.1");
        // the client prepends a made-up address: the one the proxy saw still counts
        assertThat(trusted.of(from("10.0.0.1", "1.2.3.4, 198.51.100.1"))).isEqualTo("198.51.100.1");
        // a chain of trusted proxies is skipped, also over several headers
        assertThat(trusted.of(from("10.0.0.1", "198.51.100.1, 172.16.5.5", "172.20.0.1"))).isEqualTo("198.51.100.1");
        // a garbled hop: nothing left of it is believed
        assertThat(trusted.of(from("10.0.0.1", "198.51.100.1, not-an-address"))).isEqualTo("10.0.0.1");
        // nothing forwarded: the proxy itself
        assertThat(trusted.of(from("10.0.0.1"))).isEqualTo("10.0.0.1");
    }

    @Test
    void an_ipv6_client_is_counted_by_its_64_bit_prefix() {
        assertThat(ClientAddresses.budgetKey("2001:db8:1:2:aaaa::1"))
                .isEqualTo(ClientAddresses.budgetKey("2001:db8:1:2:bbbb::2"))
                .isNotEqualTo(ClientAddresses.budgetKey("2001:db8:1:3::1"));
        assertThat(ClientAddresses.budgetKey("198.51.100.7")).isEqualTo("198.51.100.7");
    }
}
