package io.portalusers.platform.chain;

import org.axonframework.common.DateTimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * Seals the event log's settled events into the hash chain (db/platform/V3), in global-index
 * order, a batch per transaction with the head.
 *
 * <p>Why a task after the fact and not at append: a link needs the hash of the event before
 * it, and global indexes are taken in one order and committed in another, so an append could
 * only know it by serializing every append. Why only settled events: an index below a visible
 * event may still commit until the events after it are older than the gap timeout (the
 * append bound, {@code EventAppendBound}); sealing past it could leave that event out of a
 * range already sealed, where verification would then call it inserted. So each run seals up
 * to the last event stamped more than {@code settle} ago (the gap timeout by default): no index
 * before it can still commit. Indexes never committed are simply not in the chain.
 *
 * <p>One node at a time: each batch takes a transaction advisory lock without waiting, and a
 * node that does not get it leaves the batch to the one that has it. Each batch reads the head
 * under the lock and commits its seals with the new head, so a crash or a second sealer never
 * seals twice or leaves a hole: the next run goes on from the head.
 */
public final class EventSealer {

    /** The transaction advisory lock a sealing batch holds. */
    public static final long LOCK = 0x5ea1_c4a1_0001L;
    private static final Logger log = LoggerFactory.getLogger(EventSealer.class);

    private final DataSource dataSource;
    private final Duration settle;
    private final int batch;
    private final long logStride;
    private final Clock clock;

    public EventSealer(DataSource dataSource, Duration settle, int batch, long logStride, Clock clock) {
        this.dataSource = dataSource;
        this.settle = settle;
        this.batch = batch;
        this.logStride = logStride;
        this.clock = clock;
    }

    /** Seals every settled event not sealed yet; the number it sealed (0 when another node holds the lock). */
    public long sealSettled() throws SQLException {
        String cutoff = DateTimeUtils.formatInstant(clock.instant().minus(settle));
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                long bound = settledBound(c, cutoff);
                long sealed = 0;
                for (int n; (n = sealBatch(c, bound)) > 0; ) {
                    sealed += n;
                }
                return sealed;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The last index at or before which every event is settled: the last event after the head stamped before the cutoff. */
    private static long settledBound(Connection c, String cutoff) throws SQLException {
        try (PreparedStatement bound = c.prepareStatement("""
                select coalesce(max(e.globalindex), h.global_index) from event_seal_head h
                left join domainevententry e on e.globalindex > h.global_index and e.timestamp < ?
                group by h.global_index""")) {
            bound.setString(1, cutoff);
            try (ResultSet rs = bound.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                c.commit();
                return value;
            }
        }
    }

    /** One batch of seals up to {@code bound}, with the head, in one transaction: how many, or 0 (done, or locked). */
    private int sealBatch(Connection c, long bound) throws SQLException {
        try {
            try (PreparedStatement lock = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        c.rollback();
                        return 0;
                    }
                }
            }
            long head;
            byte[] previous;
            try (PreparedStatement read = c.prepareStatement("select global_index, hash from event_seal_head");
                 ResultSet rs = read.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
                previous = rs.getBytes(2);
            }
            if (head >= bound) {
                c.commit();
                return 0;
            }
            ChainHash hash = new ChainHash();
            long last = head;
            int n = 0;
            Long[] indexes = new Long[batch];
            String[] eventIds = new String[batch];
            byte[][] hashes = new byte[batch][];
            byte[][] payloads = new byte[batch][];
            byte[][] metadata = new byte[batch][];
            try (PreparedStatement events = c.prepareStatement("select " + ChainHash.COLUMNS
                    + " from domainevententry where globalindex > ? and globalindex <= ? order by globalindex limit ?")) {
                events.setLong(1, head);
                events.setLong(2, bound);
                events.setInt(3, batch);
                try (ResultSet rs = events.executeQuery()) {
                    while (rs.next()) {
                        previous = hash.link(previous, rs);
                        last = rs.getLong(1);
                        indexes[n] = last;
                        eventIds[n] = rs.getString(2);
                        hashes[n] = previous;
                        payloads[n] = hash.payloadDigest();
                        metadata[n] = hash.metadataDigest();
                        n++;
                    }
                }
            }
            if (n > 0) {
                // one statement for the batch: arrays, not a JDBC batch of single-row inserts
                try (PreparedStatement seal = c.prepareStatement("""
                        insert into event_seal (global_index, event_identifier, hash, payload_digest, metadata_digest)
                        select * from unnest(?::bigint[], ?::text[], ?::bytea[], ?::bytea[], ?::bytea[])""")) {
                    seal.setArray(1, c.createArrayOf("bigint", java.util.Arrays.copyOf(indexes, n)));
                    seal.setArray(2, c.createArrayOf("text", java.util.Arrays.copyOf(eventIds, n)));
                    seal.setArray(3, c.createArrayOf("bytea", java.util.Arrays.copyOf(hashes, n)));
                    seal.setArray(4, c.createArrayOf("bytea", java.util.Arrays.copyOf(payloads, n)));
                    seal.setArray(5, c.createArrayOf("bytea", java.util.Arrays.copyOf(metadata, n)));
                    seal.executeUpdate();
                }
            }
            // the head is always the last sealed event, so that its hash is that event's
            if (n == 0) {
                c.commit();
                return 0;
            }
            try (PreparedStatement update = c.prepareStatement("""
                    update event_seal_head set global_index = ?, hash = ?, sealed = sealed + ?, sealed_at = now()""")) {
                update.setLong(1, last);
                update.setBytes(2, previous);
                update.setLong(3, n);
                update.executeUpdate();
            }
            c.commit();
            if (logStride > 0 && head / logStride != last / logStride) {
                log.info("Event log sealed through global index {}, head hash {}", last, ChainHash.hex(previous));
            }
            return n;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }
}
