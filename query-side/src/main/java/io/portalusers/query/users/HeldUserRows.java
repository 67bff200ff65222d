package io.portalusers.query.users;

import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rows a replay of the users view holds in memory between batches, per segment of the
 * processor. A user's events lie far apart in a real log (days between a creation and its
 * activation), so a batch that wrote what it folded would write about one row per event; held
 * over many batches, a row is written once for several of its events.
 *
 * <p>Only batches into the tables aside the view hold rows (nobody reads those tables until the
 * swap), whether the events are replayed or new to the processor (a segment whose token lay
 * behind the others' at the reset meets the events past it as new), until the swap begins
 * ({@link #writeAll}), and only for a bounded number of events: then a batch writes every held
 * row. While rows are held, the segment's stored token stays where everything was last written
 * ({@link HoldingTokenStore}), so a node that stops or dies with rows held is resumed from
 * there: the events after it are folded again, the rows' versions keeping what was written from
 * being changed twice. Held rows beyond {@code capacity} are written, the least recently changed
 * first.
 */
@Component
class HeldUserRows {

    private final int capacity;
    private final int events;
    private final Map<Integer, Held> segments = new ConcurrentHashMap<>();
    private final UserViewWriter writer;
    private final TokenStore tokens;
    private final TransactionTemplate transaction;
    /**
     * Set when the swap begins, by the first call of {@link #writeAll}: from then on no batch holds
     * its rows, so what is written then is all there is (a row held after it would wait in memory,
     * past the swap, for its segment's next batch). Cleared when a rebuild begins.
     */
    private volatile boolean swapping;

    HeldUserRows(@Value("${portal.projections.users.replay.held-rows}") int capacity,
                 @Value("${portal.projections.users.replay.held-events}") int events,
                 UserViewWriter writer, TokenStore tokens, PlatformTransactionManager transactions) {
        this.capacity = capacity;
        this.events = events;
        this.writer = writer;
        this.tokens = tokens;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * Writes what every segment holds, each with the latest token its processor asked to store,
     * once the replay is done (no batch then comes to write them: the log may be quiet), and
     * from its first call on lets no batch hold rows. True if nothing is held anymore; a segment
     * busy with a batch is left for the next call.
     */
    boolean writeAll() {
        swapping = true;
        boolean all = true;
        for (Map.Entry<Integer, Held> segment : segments.entrySet()) {
            Held held = segment.getValue();
            if (!held.lock.tryLock()) {
                all = false;
                continue;
            }
            try {
                if (held.isEmpty()) {
                    continue;
                }
                if (held.broken) {
                    all = false;
                    continue;
                }
                List<UserRow> rows = new ArrayList<>(held.rows.values());
                transaction.executeWithoutResult(status -> {
                    writer.write(writer.tables(), rows);
                    tokens.storeToken(held.latest, UsersProjection.NAME, segment.getKey());
                });
                held.release(held.latest);
            } finally {
                held.lock.unlock();
            }
        }
        return all;
    }

    /** A rebuild begins: its batches may hold rows again until its swap begins. */
    void rebuildBegins() {
        swapping = false;
    }

    /** Whether a replay holds rows at all (off with a capacity or a number of events of 0). */
    boolean enabled() {
        return capacity > 0 && events > 0;
    }

    Held segment(int segment) {
        return segments.computeIfAbsent(segment, key -> new Held());
    }

    /**
     * One segment's held rows. Its lock is held by the batch that changes them from its first
     * event until its unit of work is cleaned up, and by whoever writes them outside a batch.
     */
    final class Held {

        final ReentrantLock lock = new ReentrantLock();
        /** By user, the least recently changed first. */
        private final LinkedHashMap<UUID, UserRow> rows = new LinkedHashMap<>();
        /** Every change of the events up to this token is in the tables: the token stored while rows are held. */
        TrackingToken written;
        /** The latest token the processor asked to store for this segment. */
        TrackingToken latest;
        /** Events folded into held rows since they were last all written. */
        private int heldEvents;
        /** A batch that changed held rows was rolled back: nothing is stored until the segment is claimed again. */
        boolean broken;

        boolean isEmpty() {
            return rows.isEmpty();
        }

        /** Whether another batch may hold its rows rather than write every held one. */
        boolean mayHoldAnotherBatch() {
            return enabled() && !swapping && !broken && heldEvents < events;
        }

        /** Removes and returns the held rows of these users. */
        Map<UUID, UserRow> take(Collection<UUID> users) {
            Map<UUID, UserRow> taken = new HashMap<>();
            for (UUID user : users) {
                UserRow row = rows.remove(user);
                if (row != null) {
                    taken.put(user, row);
                }
            }
            return taken;
        }

        /** Holds the batch's rows; the least recently changed rows past the capacity, to be written now. */
        List<UserRow> hold(List<UserRow> changed, int folded) {
            changed.forEach(row -> rows.put(row.userId, row));
            heldEvents += folded;
            List<UserRow> evicted = new ArrayList<>();
            Iterator<UserRow> oldest = rows.values().iterator();
            while (rows.size() > capacity) {
                evicted.add(oldest.next());
                oldest.remove();
            }
            return evicted;
        }

        /** Removes and returns every held row, which the caller writes in the transaction that stores {@code token}. */
        List<UserRow> release(TrackingToken token) {
            List<UserRow> all = new ArrayList<>(rows.values());
            rows.clear();
            heldEvents = 0;
            written = token;
            return all;
        }

        /** Forgets everything: the segment is claimed anew (or released), and resumes from its stored token. */
        void reset(TrackingToken stored) {
            rows.clear();
            heldEvents = 0;
            broken = false;
            written = stored;
            latest = stored;
        }
    }
}
