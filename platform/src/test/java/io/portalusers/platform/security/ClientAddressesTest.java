package io.portalusers.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import java.util.Map;

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

    @Test
    void a_call_of_this_process_over_loopback_forwards_its_visitor_and_nobody_else_can() {
        ClientAddresses trusted = new ClientAddresses("10.0.0.1");
        // the visitor's own request reached the page through the trusted proxy
        Map<String, String> forwarding = trusted.forwardingHeaders(from("10.0.0.1", "1.2.3.4, 198.51.100.1"));
        assertThat(forwarding).containsEntry("X-Forwarded-For", "198.51.100.1");
        String proof = forwarding.get(ClientAddresses.FORWARDED_BY);

        assertThat(trusted.of(withProof(from("127.0.0.1", "198.51.100.1"), proof))).isEqualTo("198.51.100.1");
        assertThat(trusted.of(withProof(from("::1", "2001:db8::7"), proof))).isEqualTo("2001:db8::7");
        // without the proof, with another one, or another process's, loopback is a client like any other
        assertThat(trusted.of(from("127.0.0.1", "198.51.100.1"))).isEqualTo("127.0.0.1");
        assertThat(trusted.of(withProof(from("127.0.0.1", "198.51.100.1"), proof + "x"))).isEqualTo("127.0.0.1");
        String other = new ClientAddresses("").forwardingHeaders(from("127.0.0.1")).get(ClientAddresses.FORWARDED_BY);
        assertThat(other).isNotEqualTo(proof);
        assertThat(trusted.of(withProof(from("127.0.0.1", "198.51.100.1"), other))).isEqualTo("127.0.0.1");
        // the right proof from off this machine is not believed either
        assertThat(trusted.of(withProof(from("203.0.113.9", "198.51.100.1"), proof))).isEqualTo("203.0.113.9");
        // a garbled forwarded address: the caller's own
        assertThat(trusted.of(withProof(from("127.0.0.1", "not-an-address"), proof))).isEqualTo("127.0.0.1");
    }

    private static MockHttpServletRequest withProof(MockHttpServletRequest request, String proof) {
        request.addHeader(ClientAddresses.FORWARDED_BY, proof);
        return request;
    }
}
