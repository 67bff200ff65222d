package io.portalusers.query.webhooks;

import io.portalusers.platform.privacy.DerivedKeys;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Seals the subscriptions' signing secrets for the database: AES-256-GCM (JDK), with a key
 * derived from the service's master key under a label of its own ({@link DerivedKeys}), so
 * that it is not the key that wraps the persons' data keys. The subscription's id is its
 * associated data, so that a sealed secret copied onto another subscription does not open.
 */
@Component
class WebhookSecretCipher {

    private static final String LABEL = "portal-users webhook signing secrets v1";

    private final DerivedKeys keys;

    WebhookSecretCipher(DerivedKeys keys) {
        this.keys = keys;
    }

    byte[] seal(UUID subscription, WebhookSecret secret) {
        return keys.seal(LABEL, secret.key(), associatedData(subscription));
    }

    /** The secret; refused loudly when it was altered, moved to another subscription or sealed with another master key. */
    WebhookSecret open(UUID subscription, byte[] sealed) {
        try {
            return new WebhookSecret(keys.open(LABEL, sealed, associatedData(subscription)));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the secret of webhook subscription " + subscription
                    + " does not open: altered, moved, or sealed with another master key", e);
        }
    }

    private static byte[] associatedData(UUID subscription) {
        return ("webhook_subscription:" + subscription).getBytes(StandardCharsets.UTF_8);
    }
}
