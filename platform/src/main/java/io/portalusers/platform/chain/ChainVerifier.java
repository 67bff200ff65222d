package io.portalusers.platform.chain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Walks the event log's hash chain and recomputes each link from the rows as they are now,
 * against the seals (db/platform/V3). Reports the first event that does not match, by kind:
 * see {@link Kind}. Plain JDBC on a connection it is handed, so that the command-line
 * {@link VerifyChain} runs it without the service.
 *
 * <p>Reads in pages by global index (the seals of a page, then the events of the same index
 * range), each an index range scan that is quick, inside one read-only REPEATABLE READ
 * transaction: one snapshot throughout, no statement long enough for the pool's
 * statement_timeout.
 */
public final class ChainVerifier {

    /** What was found at the first event that does not match. */
    public enum Kind {
        /** the event's payload differs from the one sealed */
        PAYLOAD_CHANGED,
        /** the event's metadata differs from the one sealed */
        METADATA_CHANGED,
        /** another stored field of the event (identifiers, sequence number, types, revision, timestamp) differs, or its seal */
        ROW_CHANGED,
        /** a sealed event's row is gone */
        ROW_DELETED,
        /** the content under this index was sealed under another index (rows or payloads swapped) */
        ROWS_SWAPPED,
        /** a row at or below the head that was never sealed (added to a sealed range afterwards) */
        ROW_INSERTED,
        /** the seals disagree with a hash the auditor kept, or the head with the last seal: the chain was rewritten */
        CHAIN_REWRITTEN
    }

    /** The first event that does not match; the aggregate and sequence number are unknown for a deleted row. */
    public record Mismatch(Kind kind, long globalIndex, String eventIdentifier, String aggregateIdentifier,
                           Long sequenceNumber, String detail) {
    }

    /**
     * The outcome: {@code intact} when every sealed event from {@code from} to the head matches;
     * {@code verifiedThrough} is the last index that matched and {@code hashThere} its hash.
     */
    public record Report(boolean intact, long from, long verifiedThrough, String hashThere, long eventsVerified,
                         long headIndex, String headHash, Mismatch firstMismatch) {
    }

    private static final int PAGE = 10_000;

    /**
     * Verifies from index {@code from}, whose hash the caller trusts ({@code fromHash}; from 0
     * it is {@link ChainHash#GENESIS}), to the head; when {@code checkIndex} is not null, the
     * hash computed at that index must also be {@code checkHash} (a head the auditor kept).
     * Runs in its own transaction on {@code connection}, and leaves it as it found it.
     */
    public Report verify(Connection connection, long from, byte[] fromHash, Long checkIndex, byte[] checkHash)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        int isolation = connection.getTransactionIsolation();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            return walk(connection, from, fromHash, checkIndex, checkHash);
        } finally {
            connection.rollback();
            connection.setReadOnly(false);
            connection.setTransactionIsolation(isolation);
            connection.setAutoCommit(autoCommit);
        }
    }

    private Report walk(Connection c, long from, byte[] fromHash, Long checkIndex, byte[] checkHash) throws SQLException {
        long headIndex;
        byte[] headHash;
        try (PreparedStatement head = c.prepareStatement("select global_index, hash from event_seal_head");
             ResultSet rs = head.executeQuery()) {
            rs.next();
            headIndex = rs.getLong(1);
            headHash = rs.getBytes(2);
        }
        Walk walk = new Walk(from, fromHash, headIndex, headHash);
        if (from > 0) {
            byte[] sealed = sealAt(c, from);
            if (!Arrays.equals(sealed, fromHash)) {
                return walk.failed(new Mismatch(Kind.CHAIN_REWRITTEN, from, null, null, null, sealed == null
                        ? "no event is sealed at the index given" : "the seal there differs from the hash given"));
            }
        }
        ChainHash hash = new ChainHash();
        long[] sealIndex = new long[PAGE];
        String[] sealEvent = new String[PAGE];
        byte[][] sealHash = new byte[PAGE][];
        byte[][] sealPayload = new byte[PAGE][];
        byte[][] sealMetadata = new byte[PAGE][];
        try (PreparedStatement seals = c.prepareStatement("""
                select global_index, event_identifier, hash, payload_digest, metadata_digest from event_seal
                where global_index > ? and global_index <= ? order by global_index limit ?""");
             PreparedStatement events = c.prepareStatement("select " + ChainHash.COLUMNS
                     + " from domainevententry where globalindex > ? and globalindex <= ? order by globalindex")) {
            events.setFetchSize(2_000);
            while (walk.last < headIndex) {
                int n = 0;
                seals.setLong(1, walk.last);
                seals.setLong(2, headIndex);
                seals.setInt(3, PAGE);
                try (ResultSet rs = seals.executeQuery()) {
                    while (rs.next()) {
                        sealIndex[n] = rs.getLong(1);
                        sealEvent[n] = rs.getString(2);
                        sealHash[n] = rs.getBytes(3);
                        sealPayload[n] = rs.getBytes(4);
                        sealMetadata[n] = rs.getBytes(5);
                        n++;
                    }
                }
                // the seals end before the head: whatever follows up to it is unsealed
                long upper = n < PAGE ? headIndex : sealIndex[n - 1];
                Row found = null;
                int s = 0;
                events.setLong(1, walk.last);
                events.setLong(2, upper);
                try (ResultSet rs = events.executeQuery()) {
                    while (rs.next()) {
                        long index = rs.getLong(1);
                        if (s < n && sealIndex[s] < index) {
                            found = Row.deleted(sealIndex[s], sealEvent[s]);
                            break;
                        }
                        if (s == n || sealIndex[s] > index) {
                            found = Row.of(Kind.ROW_INSERTED, rs, hash);
                            break;
                        }
                        byte[] linked = hash.link(walk.previous, rs);
                        if (!Arrays.equals(linked, sealHash[s])) {
                            found = Row.of(null, rs, hash);
                            found.sealedEvent = sealEvent[s];
                            found.sealedPayload = sealPayload[s];
                            found.sealedMetadata = sealMetadata[s];
                            break;
                        }
                        if (checkIndex != null && index == checkIndex && !Arrays.equals(linked, checkHash)) {
                            found = Row.of(Kind.CHAIN_REWRITTEN, rs, hash);
                            found.detail = "every seal up to here matches its row, but the hash here differs from the"
                                    + " one given: the chain was computed again over other rows";
                            break;
                        }
                        walk.previous = linked;
                        walk.last = index;
                        walk.events++;
                        s++;
                    }
                }
                if (found == null && s < n) {
                    found = Row.deleted(sealIndex[s], sealEvent[s]);
                }
                if (found != null) {
                    return walk.failed(classify(c, found));
                }
                walk.last = upper;
            }
        }
        if (!Arrays.equals(walk.previous, headHash)) {
            return walk.failed(new Mismatch(Kind.CHAIN_REWRITTEN, headIndex, null, null, null,
                    "the head's hash differs from the last seal's"));
        }
        if (checkIndex != null && checkIndex > headIndex) {
            return walk.failed(new Mismatch(Kind.CHAIN_REWRITTEN, checkIndex, null, null, null,
                    "the index given is past the head: the seals after the head are gone"));
        }
        return walk.intact();
    }

    /** What the row found differs in, told by the digests sealed with it. */
    private static Mismatch classify(Connection c, Row row) throws SQLException {
        if (row.kind != null) {
            return row.mismatch(row.kind, row.detail);
        }
        if (!row.eventIdentifier.equals(row.sealedEvent)) {
            Long at = single(c, "select global_index from event_seal where event_identifier = ?", row.eventIdentifier);
            return row.mismatch(Kind.ROWS_SWAPPED, "sealed here was event " + row.sealedEvent + "; this event was sealed "
                    + (at == null ? "nowhere" : "at index " + at));
        }
        if (!Arrays.equals(row.payload, row.sealedPayload)) {
            // payloads swapped: this payload was sealed at another index, whose row now has the one sealed here
            try (PreparedStatement other = c.prepareStatement("""
                    select s.global_index from event_seal s join domainevententry e on e.globalindex = s.global_index
                    where s.payload_digest = ? and s.global_index <> ?""")) {
                other.setBytes(1, row.payload);
                other.setLong(2, row.globalIndex);
                try (ResultSet rs = other.executeQuery()) {
                    while (rs.next()) {
                        long at = rs.getLong(1);
                        if (Arrays.equals(payloadDigestAt(c, at), row.sealedPayload)) {
                            return row.mismatch(Kind.ROWS_SWAPPED, "its payload is the one sealed at index " + at
                                    + ", which has this one's");
                        }
                    }
                }
            }
            return row.mismatch(Kind.PAYLOAD_CHANGED, "the payload differs from the one sealed");
        }
        if (!Arrays.equals(row.metadata, row.sealedMetadata)) {
            return row.mismatch(Kind.METADATA_CHANGED, "the metadata differs from the one sealed");
        }
        return row.mismatch(Kind.ROW_CHANGED, "payload and metadata are as sealed; another field (aggregate, sequence"
                + " number, types, revision, timestamp) or the seal itself differs");
    }

    private static byte[] payloadDigestAt(Connection c, long index) throws SQLException {
        try (PreparedStatement row = c.prepareStatement(
                "select " + ChainHash.COLUMNS + " from domainevententry where globalindex = ?")) {
            row.setLong(1, index);
            try (ResultSet rs = row.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ChainHash hash = new ChainHash();
                hash.link(ChainHash.GENESIS, rs);
                return hash.payloadDigest();
            }
        }
    }

    private static byte[] sealAt(Connection c, long index) throws SQLException {
        try (PreparedStatement seal = c.prepareStatement("select hash from event_seal where global_index = ?")) {
            seal.setLong(1, index);
            try (ResultSet rs = seal.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    private static Long single(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static final class Walk {
        final long from;
        final long headIndex;
        final byte[] headHash;
        long last;
        byte[] previous;
        long events;

        Walk(long from, byte[] fromHash, long headIndex, byte[] headHash) {
            this.from = from;
            this.last = from;
            this.previous = fromHash;
            this.headIndex = headIndex;
            this.headHash = headHash;
        }

        Report failed(Mismatch mismatch) {
            return new Report(false, from, last, ChainHash.hex(previous), events, headIndex, ChainHash.hex(headHash), mismatch);
        }

        Report intact() {
            return new Report(true, from, last, ChainHash.hex(previous), events, headIndex, ChainHash.hex(headHash), null);
        }
    }

    /** The row at the first mismatch, read before its result set closes. */
    private static final class Row {
        Kind kind;
        String detail;
        long globalIndex;
        String eventIdentifier;
        String aggregateIdentifier;
        Long sequenceNumber;
        byte[] payload;
        byte[] metadata;
        String sealedEvent;
        byte[] sealedPayload;
        byte[] sealedMetadata;

        static Row deleted(long index, String event) {
            Row row = new Row();
            row.kind = Kind.ROW_DELETED;
            row.detail = "sealed, and its row is gone";
            row.globalIndex = index;
            row.eventIdentifier = event;
            return row;
        }

        static Row of(Kind kind, ResultSet rs, ChainHash hash) throws SQLException {
            Row row = new Row();
            row.kind = kind;
            if (kind == Kind.ROW_INSERTED) {
                row.detail = "no seal at this index, which is at or below the head";
            }
            hash.link(ChainHash.GENESIS, rs); // for the digests of its payload and metadata
            row.globalIndex = rs.getLong(1);
            row.eventIdentifier = rs.getString(2);
            row.aggregateIdentifier = rs.getString(3);
            row.sequenceNumber = rs.getLong(4);
            row.payload = hash.payloadDigest();
            row.metadata = hash.metadataDigest();
            return row;
        }

        Mismatch mismatch(Kind kind, String detail) {
            return new Mismatch(kind, globalIndex, eventIdentifier, aggregateIdentifier, sequenceNumber, detail);
        }
    }
}
