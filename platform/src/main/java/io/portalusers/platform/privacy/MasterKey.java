package io.portalusers.platform.privacy;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The key that wraps every person's data key. From {@code portal.privacy.master-key} (32 bytes,
 * Base64) when set; the embedded default makes one and keeps it in its data folder, as it does
 * its signing key; otherwise one is made once and kept in the database (personal_data_master),
 * shared by every node, which protects nothing against a copy of the database and is meant for
 * trying the side jars out only. Changing it makes every wrapped key unreadable: readers then
 * fail loudly (a key that does not open), they never show data as erased by mistake.
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

    /** On a connection of its own, committed at once: never in a transaction that may roll back after it. */
    static MasterKey inDatabase(DataSource dataSource) {
        return new MasterKey(() -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (PreparedStatement insert = c.prepareStatement(
                        "insert into personal_data_master (master_key) values (?) on conflict do nothing")) {
                    insert.setBytes(1, Aead.newKey().getEncoded());
                    insert.executeUpdate();
                }
                try (PreparedStatement select = c.prepareStatement("select master_key from personal_data_master");
                     ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the master key from the database", e);
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
