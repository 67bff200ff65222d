package io.portalusers.query.webhooks;

import io.portalusers.platform.privacy.DerivedKeys;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSecretCipherTest {

    private static WebhookSecretCipher withMasterKey(byte fill) {
        byte[] master = new byte[32];
        java.util.Arrays.fill(master, fill);
        return new WebhookSecretCipher(DerivedKeys.of(master));
    }

    @Test
    void hkdf_sha256_gives_the_output_of_rfc_5869_test_case_3() {
        byte[] inputKey = new byte[22];
        java.util.Arrays.fill(inputKey, (byte) 0x0b);
        assertThat(HexFormat.of().formatHex(DerivedKeys.hkdfSha256(inputKey, new byte[0])))
                .isEqualTo("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
    }

    @Test
    void a_sealed_secret_opens_for_its_subscription_only_and_with_the_same_master_key_only() {
        WebhookSecretCipher cipher = withMasterKey((byte) 7);
        WebhookSecret secret = WebhookSecret.generate();
        UUID subscription = UUID.randomUUID();
        byte[] sealed = cipher.seal(subscription, secret);

        assertThat(cipher.open(subscription, sealed).key()).isEqualTo(secret.key());
        assertThat(HexFormat.of().formatHex(sealed)).doesNotContain(HexFormat.of().formatHex(secret.key()));
        assertThat(cipher.seal(subscription, secret)).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> cipher.open(UUID.randomUUID(), sealed)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> withMasterKey((byte) 8).open(subscription, sealed)).isInstanceOf(IllegalStateException.class);
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.open(subscription, altered)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void the_sealing_key_is_derived_not_the_master_key_itself() throws Exception {
        byte[] master = new byte[32];
        java.util.Arrays.fill(master, (byte) 7);
        UUID subscription = UUID.randomUUID();
        WebhookSecret secret = WebhookSecret.generate();
        // the same format, sealed with the master key as it is
        byte[] nonce = new byte[12];
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(master, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        aes.updateAAD(("webhook_subscription:" + subscription).getBytes());
        byte[] body = aes.doFinal(secret.key());
        byte[] withMaster = new byte[1 + 12 + body.length];
        withMaster[0] = 1;
        System.arraycopy(body, 0, withMaster, 13, body.length);

        assertThatThrownBy(() -> withMasterKey((byte) 7).open(subscription, withMaster))
                .isInstanceOf(IllegalStateException.class);
    }
}
