package io.portalusers.platform.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One link of the event log's hash chain: {@code hash_n = SHA-256(hash_(n-1) || canonical(event_n))}.
 *
 * <p>canonical(event) is every stored column of {@code domainevententry} that must never
 * change, in this order: global index, event identifier, aggregate identifier, sequence
 * number, type (the aggregate's), payload type, payload revision, SHA-256 of the payload bytes,
 * SHA-256 of the metadata bytes, timestamp. Numbers are 8 bytes big-endian; a text is its
 * UTF-8 bytes after their length (4 bytes big-endian; -1 for null); a digest is its 32 bytes
 * (a null metadata digests as no bytes after a -1 length). Lengths keep fields apart: no two
 * different rows encode alike. The payload and metadata enter through their digests, which
 * commit to every byte as much as the bytes would and let {@link #payloadDigest} be reused.
 *
 * <p>Not thread-safe: one per thread.
 */
public final class ChainHash {

    /** The hash "before" the first event, at index 0. */
    public static final byte[] GENESIS = new byte[32];
    /** The columns canonical reads, in {@link #link}'s order. */
    public static final String COLUMNS = "globalindex, eventidentifier, aggregateidentifier, sequencenumber, type, "
            + "payloadtype, payloadrevision, payload, metadata, timestamp";

    private final MessageDigest chain = sha256();
    private final MessageDigest part = sha256();
    private final byte[] number = new byte[8];
    private byte[] payloadDigest;
    private byte[] metadataDigest;

    /** The hash of the row {@code rs} is on (selected with {@link #COLUMNS}), after {@code previous}. */
    public byte[] link(byte[] previous, ResultSet rs) throws SQLException {
        return link(previous, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getBytes(8), rs.getBytes(9), rs.getString(10));
    }

    public byte[] link(byte[] previous, long globalIndex, String eventIdentifier, String aggregateIdentifier,
                       long sequenceNumber, String type, String payloadType, String payloadRevision,
                       byte[] payload, byte[] metadata, String timestamp) {
        payloadDigest = payload == null ? null : part.digest(payload);
        metadataDigest = metadata == null ? null : part.digest(metadata);
        chain.update(previous);
        number(globalIndex);
        text(eventIdentifier);
        text(aggregateIdentifier);
        number(sequenceNumber);
        text(type);
        text(payloadType);
        text(payloadRevision);
        digest(payloadDigest);
        digest(metadataDigest);
        text(timestamp);
        return chain.digest();
    }

    /** The first 8 bytes of the last linked event's payload digest: which payload it was, to tell what changed. */
    public byte[] payloadDigest() {
        return shortDigest(payloadDigest);
    }

    /** As {@link #payloadDigest()}, of the metadata. */
    public byte[] metadataDigest() {
        return shortDigest(metadataDigest);
    }

    public static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a hash is 64 hexadecimal digits");
        }
        return bytes;
    }

    private static byte[] shortDigest(byte[] digest) {
        return digest == null ? new byte[0] : Arrays.copyOf(digest, 8);
    }

    private void number(long value) {
        for (int i = 7; i >= 0; i--) {
            number[i] = (byte) value;
            value >>>= 8;
        }
        chain.update(number);
    }

    private void length(int length) {
        chain.update((byte) (length >>> 24));
        chain.update((byte) (length >>> 16));
        chain.update((byte) (length >>> 8));
        chain.update((byte) length);
    }

    private void text(String value) {
        if (value == null) {
            length(-1);
        } else {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            length(bytes.length);
            chain.update(bytes);
        }
    }

    private void digest(byte[] digest) {
        if (digest == null) {
            length(-1);
        } else {
            length(digest.length);
            chain.update(digest);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
