package io.portalusers.platform.privacy;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keys for other secrets at rest, each derived from the master key by HKDF-SHA256 under a
 * label of its own: none of them is the key that wraps the persons' data keys, and one leaked
 * derived key opens nothing of another label. Changing the master key changes them all.
 */
public final class DerivedKeys {

    /** The first byte of a sealed value. */
    private static final byte VERSION = 1;

    private final Supplier<SecretKey> master;
    private final Map<String, SecretKey> derived = new ConcurrentHashMap<>();

    DerivedKeys(Supplier<SecretKey> master) {
        this.master = master;
    }

    /** Derived from {@code master} (32 bytes), for a test without the service. */
    public static DerivedKeys of(byte[] master) {
        SecretKey key = new SecretKeySpec(master.clone(), "AES");
        return new DerivedKeys(() -> key);
    }

    /** The AES-256 key of {@code label}. */
    private SecretKey derive(String label) {
        byte[] bytes = master.get().getEncoded();
        try {
            return new SecretKeySpec(hkdfSha256(bytes, label.getBytes(StandardCharsets.UTF_8)), "AES");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * {@code plaintext} sealed with the key of {@code label}, bound to {@code associatedData}
     * (where it belongs), so that a sealed value moved elsewhere does not open: a version byte,
     * then AES-256-GCM's random nonce, the ciphertext and its tag.
     */
    public byte[] seal(String label, byte[] plaintext, byte[] associatedData) {
        byte[] sealed = Aead.seal(derived.computeIfAbsent(label, this::derive), plaintext, associatedData);
        byte[] stored = new byte[sealed.length + 1];
        stored[0] = VERSION;
        System.arraycopy(sealed, 0, stored, 1, sealed.length);
        return stored;
    }

    /** What {@link #seal} sealed; refused loudly when altered, moved, or sealed under another master key. */
    public byte[] open(String label, byte[] stored, byte[] associatedData) {
        if (!isSealed(stored)) {
            throw new IllegalStateException("not a sealed value");
        }
        return Aead.open(derived.computeIfAbsent(label, this::derive), Arrays.copyOfRange(stored, 1, stored.length),
                associatedData);
    }

    /** Whether {@code stored} is what {@link #seal} wrote: text kept in clear before (JSON, or nothing) never is. */
    public static boolean isSealed(byte[] stored) {
        return stored.length > 0 && stored[0] == VERSION;
    }

    /** HKDF-SHA256 (RFC 5869) of 32 bytes, without salt: extract, then the first block of expand. */
    public static byte[] hkdfSha256(byte[] inputKey, byte[] info) {
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
