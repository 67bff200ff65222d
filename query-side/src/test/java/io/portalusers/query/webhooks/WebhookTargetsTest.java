package io.portalusers.query.webhooks;

import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.problem.RuleViolationException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * R-HOOK-1: where a webhook may point on the defaults (https only, no internal address), and
 * the signature a receiver checks. Addresses are literals, so nothing here asks a DNS server.
 */
class WebhookTargetsTest {

    private final WebhookTargets defaults = new WebhookTargets(true, false);

    @Test
    void R_HOOK_1_on_the_defaults_only_https_to_public_addresses_is_accepted() {
        assertThat(defaults.accept("https://93.184.215.14/hooks?x=1")).isEqualTo(URI.create("https://93.184.215.14/hooks?x=1"));
        for (String refused : List.of("http://93.184.215.14/hook", "https://127.0.0.1/hook",
                "https://localhost/hook", "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/",
                "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/", "https://0.0.0.0/",
                "https://[::1]/", "https://[fd00::1]/", "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/",
                "https://224.0.0.1/")) {
            assertThatThrownBy(() -> defaults.accept(refused)).as(refused).isInstanceOfSatisfying(
                    RuleViolationException.class, e -> assertThat(e.ruleId()).isEqualTo("R-HOOK-1"));
        }
        for (String malformed : List.of("ftp://93.184.215.14/", "https://user:pw@93.184.215.14/", "https:///nohost",
                "https://93.184.215.14/#x", "not a url", "", "  ")) {
            assertThatThrownBy(() -> defaults.accept(malformed)).as(malformed).isInstanceOf(InvalidValueException.class);
        }
    }

    @Test
    void R_HOOK_1_an_operator_may_allow_plain_http_and_internal_addresses() {
        WebhookTargets permissive = new WebhookTargets(false, true);
        assertThat(permissive.accept("http://127.0.0.1:8081/hook").getPort()).isEqualTo(8081);
        assertThat(permissive.refusal(URI.create("http://10.0.0.5/"))).isNull();
    }

    @Test
    void internal_addresses_are_told_from_public_ones() throws Exception {
        assertThat(WebhookTargets.isInternal(InetAddress.getByName("8.8.8.8"))).isFalse();
        assertThat(WebhookTargets.isInternal(InetAddress.getByName("2001:4860:4860::8888"))).isFalse();
        assertThat(WebhookTargets.isInternal(InetAddress.getByName("100.127.255.255"))).isTrue();
        assertThat(WebhookTargets.isInternal(InetAddress.getByName("100.128.0.1"))).isFalse();
    }

    @Test
    void the_signature_is_the_standard_webhooks_one() {
        // key bytes 0..31; the expected value computed independently (openssl dgst -sha256 -hmac)
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        WebhookSecret secret = WebhookSecret.parse(new WebhookSecret(key).text(), "secret");
        assertThat(secret.text()).isEqualTo("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        assertThat(secret.sign("msg_1", 1700000000L, "{\"a\":1}".getBytes()))
                .isEqualTo("v1,AMaOha7DUT/0J0JMycRuYOBSvbx3WtwLd2khXXbaVj4=");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_" + "A".repeat(8), "secret")).isInstanceOf(InvalidValueException.class);
    }
}
