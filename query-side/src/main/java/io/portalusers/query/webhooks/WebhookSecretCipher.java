package io.portalusers.query.webhooks;

import io.portalusers.platform.privacy.DerivedKeys;
import org.springframework.stereotype.Component;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Seals the subscriptions' signing secrets for the database: AES-256-GCM (JDK), with a key
 * derived from the service's master key under a label of its own ({@link DerivedKeys}), so
 * that it is not the key that wraps the persons' data keys. A sealed secret is a version byte, a random 96-bit nonce and the ciphertext with
 * its tag; the subscription's id is its associated data, so that a sealed secret copied onto
 * another subscription does not open.
 */
@Component
class WebhookSecretCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String LABEL = "portal-users webhook signing secrets v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DerivedKeys keys;
    private volatile SecretKey key;

    WebhookSecretCipher(DerivedKeys keys) {
        this.keys = keys;
    }

    byte[] seal(UUID subscription, WebhookSecret secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(subscription));
            byte[] sealed = new byte[1 + NONCE_BYTES + cipher.getOutputSize(secret.key().length)];
            sealed[0] = VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            cipher.doFinal(secret.key(), 0, secret.key().length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a webhook secret", e);
        }
    }

    /** The secret; refused loudly when it was altered, moved to another subscription or sealed with another master key. */
    WebhookSecret open(UUID subscription, byte[] sealed) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new IllegalStateException("the sealed secret of webhook subscription " + subscription + " is not one");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData(subscription));
            return new WebhookSecret(cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES));
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the secret of webhook subscription " + subscription
                    + " does not open: altered, moved, or sealed with another master key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open a webhook secret", e);
        }
    }

    private static byte[] associatedData(UUID subscription) {
        return ("webhook_subscription:" + subscription).getBytes(StandardCharsets.UTF_8);
    }

    private SecretKey key() {
        SecretKey k = key;
        if (k == null) {
            k = keys.derive(LABEL);
            key = k;
        }
        return k;
    }
}
