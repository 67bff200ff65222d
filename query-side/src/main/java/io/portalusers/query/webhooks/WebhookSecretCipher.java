package io.portalusers.query.webhooks;

import io.portalusers.platform.PlatformEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * Seals the subscriptions' signing secrets for the database: AES-256-GCM (JDK), with a key
 * derived by HKDF-SHA256 from the service's master key ({@code portal.privacy.master-key}, or
 * the one the embedded default keeps in its data folder, or, without either, the one kept in
 * the database) under a label of its own, so that it is not the key that wraps the persons'
 * data keys. A sealed secret is a version byte, a random 96-bit nonce and the ciphertext with
 * its tag; the subscription's id is its associated data, so that a sealed secret copied onto
 * another subscription does not open.
 *
 * <p>The master key is read at first use, after startup: by then the privacy configuration has
 * read or made it.
 */
@Component
class WebhookSecretCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] LABEL = "portal-users webhook signing secrets v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Environment environment;
    private final JdbcClient jdbc;
    private volatile SecretKey key;

    WebhookSecretCipher(Environment environment, JdbcClient jdbc) {
        this.environment = environment;
        this.jdbc = jdbc;
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
            synchronized (this) {
                if (key == null) {
                    byte[] master = masterKey();
                    try {
                        key = new SecretKeySpec(hkdfSha256(master, LABEL), "AES");
                    } finally {
                        Arrays.fill(master, (byte) 0);
                    }
                }
                k = key;
            }
        }
        return k;
    }

    /** The master key's bytes, from where the privacy configuration takes it (which has read or made it by now). */
    private byte[] masterKey() {
        String configured = environment.getProperty("portal.privacy.master-key", "");
        byte[] master;
        if (!configured.isBlank()) {
            master = Base64.getDecoder().decode(configured.strip());
        } else if (environment.getProperty(PlatformEnvironment.EMBEDDED, Boolean.class, false)) {
            Path file = Path.of(environment.getRequiredProperty("portal.embedded.data-dir")).resolve("personal-data-master.key");
            try {
                master = Base64.getDecoder().decode(Files.readString(file).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the master key", e);
            }
        } else {
            master = jdbc.sql("select master_key from personal_data_master").query(byte[].class).optional()
                    .orElseThrow(() -> new IllegalStateException("no master key in personal_data_master yet"));
        }
        if (master.length != 32) {
            throw new IllegalStateException("the master key is not 32 bytes");
        }
        return master;
    }

    /** HKDF-SHA256 (RFC 5869) of 32 bytes, without salt: extract, then the first block of expand. */
    static byte[] hkdfSha256(byte[] inputKey, byte[] info) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            byte[] pseudoRandomKey = mac.doFinal(inputKey);
            mac.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
