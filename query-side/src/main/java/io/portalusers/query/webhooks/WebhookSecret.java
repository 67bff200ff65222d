package io.portalusers.query.webhooks;

import io.portalusers.api.InvalidValueException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A subscription's signing secret in the Standard Webhooks form, {@code whsec_} and the base64
 * of the key's bytes (24 to 64 of them), and the signature of a message with it:
 * {@code v1,} and the base64 of the HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>}.
 * A receiver checks it with any Standard Webhooks library, or those few lines.
 */
record WebhookSecret(byte[] key) {

    static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    static WebhookSecret generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new WebhookSecret(key);
    }

    /** The secret a caller gave; a 400 on {@code field} when it is not one. */
    static WebhookSecret parse(String text, String field) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new InvalidValueException(field, "must be whsec_ and the base64 of 24 to 64 random bytes");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(field, "must be whsec_ and the base64 of 24 to 64 random bytes");
        }
        if (key.length < 24 || key.length > 64) {
            throw new InvalidValueException(field, "must be whsec_ and the base64 of 24 to 64 random bytes");
        }
        return new WebhookSecret(key);
    }

    String text() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    String sign(String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
