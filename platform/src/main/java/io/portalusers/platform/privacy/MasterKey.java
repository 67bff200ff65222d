package io.portalusers.platform.privacy;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The key that wraps every person's data key. From {@code portal.privacy.master-key} (32 bytes,
 * Base64); the embedded default makes one and keeps it in its data folder, as it does its
 * signing key; anything else refuses to start without one (a key kept in the database would
 * protect nothing against a copy of it). Changing it makes every wrapped key unreadable:
 * readers then fail loudly (a key that does not open), they never show data as erased by mistake.
 */
final class MasterKey implements Supplier<SecretKey> {

    private final Supplier<byte[]> source;
    private volatile SecretKey key;

    private MasterKey(Supplier<byte[]> source) {
        this.source = source;
    }

    static MasterKey configured(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("portal.privacy.master-key is not Base64", e);
        }
        if (bytes.length != Aead.KEY_BITS / 8) {
            throw new IllegalStateException("portal.privacy.master-key must be 32 bytes (Base64 of 32 random bytes)");
        }
        return new MasterKey(() -> bytes);
    }

    static MasterKey inFile(Path file) {
        return new MasterKey(() -> {
            try {
                if (Files.exists(file)) {
                    return Base64.getDecoder().decode(Files.readString(file).strip());
                }
                byte[] made = Aead.newKey().getEncoded();
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, Base64.getEncoder().encodeToString(made));
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system; the folder's own permissions apply
                }
                return made;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Read or made at first use, once the schema is there. */
    @Override
    public SecretKey get() {
        SecretKey k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(source.get(), "AES");
                }
                k = key;
            }
        }
        return k;
    }
}
