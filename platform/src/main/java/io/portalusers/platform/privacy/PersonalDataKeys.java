package io.portalusers.platform.privacy;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Each data subject's key (personal_data_key), wrapped by the master key, made at the first
 * event that needs it and shredded by an erasure.
 *
 * <p>A key is made in the transaction that appends the event encrypted with it (on that
 * transaction's connection): both commit or neither does, and two nodes making one subject's
 * key at once meet on its primary key, the second taking the first's. Keys are cached, but only
 * as the database has them committed: one made by an open transaction stays with that
 * transaction until it commits, so that no event is ever encrypted with a key that was rolled
 * back. An erasure takes effect on the node that erases as it commits; on other nodes once
 * their cached copy expires ({@code portal.privacy.key-cache-ttl}). An erased subject is cached
 * as erased for good: its row keeps no key, and no key is made for it again.
 */
public class PersonalDataKeys {

    /** The subject's key is shredded: nothing personal may be written for it any more. */
    public static final class SubjectErased extends IllegalStateException {
        SubjectErased(String subject) {
            super("the personal data of " + subject + " is erased");
        }
    }

    private static final SecretKey ERASED = new SecretKeySpec(new byte[32], "AES");
    /** A subject that has no row: none of its data was ever encrypted. */
    private static final SecretKey ABSENT = new SecretKeySpec(new byte[32], "AES");
    private static final Object TRANSACTION_KEYS = new Object();
    /** Keys read at once on a miss: those made right after the one missed, likely needed next. */
    private static final int READ_AHEAD = 256;

    private record Cached(SecretKey key, long expiresAt) {
    }

    private final DataSource dataSource;
    private final Supplier<SecretKey> master;
    private final long ttlNanos;
    private final int maxCached;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public PersonalDataKeys(DataSource dataSource, Supplier<SecretKey> master, Duration ttl, int maxCached) {
        this.dataSource = dataSource;
        this.master = master;
        this.ttlNanos = ttl.toNanos();
        this.maxCached = maxCached;
    }

    /** Reads (or makes) the master key now, outside any request's transaction. */
    void loadMasterKey() {
        master.get();
    }

    /** The key to encrypt the subject's data with, made now if it has none; refused once the subject is erased. */
    SecretKey forWriting(String subject, String erasedWith) {
        SecretKey key = cachedOrOwn(subject);
        if (key == null) {
            key = inDatabase(subject, true);
        }
        if (key == ERASED || key == ABSENT) {
            throw new SubjectErased(subject);
        }
        if (erasedWith != null) {
            update("update personal_data_key set erased_with = ? where subject = ? and erased_with is null",
                    erasedWith, subject);
        }
        return key;
    }

    /** The key to decrypt the subject's data with; empty when it is erased (or was never made). */
    Optional<SecretKey> forReading(String subject) {
        SecretKey key = cachedOrOwn(subject);
        if (key == null) {
            key = inDatabase(subject, false);
        }
        return key == ERASED || key == ABSENT ? Optional.empty() : Optional.of(key);
    }

    /** Whether the subject was erased. */
    public boolean isErased(String subject) {
        SecretKey key = cachedOrOwn(subject);
        if (key == null) {
            key = inDatabase(subject, false);
        }
        return key == ERASED;
    }

    /**
     * Shreds the keys of {@code person} and of every subject erased with it, in the current
     * transaction; the person keeps a row without a key, so that none is made again. Returns
     * every subject erased with the person, the person first. Idempotent.
     */
    public List<String> shred(String person) {
        List<String> subjects = new ArrayList<>();
        subjects.add(person);
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            try (PreparedStatement tombstone = c.prepareStatement("""
                    insert into personal_data_key (subject, wrapped_key, erased_at) values (?, null, now())
                    on conflict (subject) do update set wrapped_key = null,
                        erased_at = coalesce(personal_data_key.erased_at, now())""")) {
                tombstone.setString(1, person);
                tombstone.executeUpdate();
            }
            try (PreparedStatement linked = c.prepareStatement("""
                    update personal_data_key set wrapped_key = null, erased_at = coalesce(erased_at, now())
                    where erased_with = ? returning subject""")) {
                linked.setString(1, person);
                try (ResultSet rs = linked.executeQuery()) {
                    while (rs.next()) {
                        subjects.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot shred the keys of " + person, e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
        Runnable forget = () -> subjects.forEach(s -> cache.put(s, new Cached(ERASED, Long.MAX_VALUE)));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // until it commits, other transactions still read the keys; after, nothing does
            own().keySet().removeAll(subjects);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    forget.run();
                }
            });
        } else {
            forget.run();
        }
        return List.copyOf(subjects);
    }

    /** Forgets every cached key: a node's cold start, as a benchmark measures it. */
    public void clearCache() {
        cache.clear();
    }

    private SecretKey cachedOrOwn(String subject) {
        Cached cached = cache.get(subject);
        if (cached != null) {
            if (cached.expiresAt - System.nanoTime() > 0) {
                return cached.key;
            }
            cache.remove(subject, cached);
        }
        return TransactionSynchronizationManager.isSynchronizationActive() ? own().get(subject) : null;
    }

    /** The subject's key as the database has it, made first when {@code make} and there is none. */
    private SecretKey inDatabase(String subject, boolean make) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            if (make) {
                SecretKey made = Aead.newKey();
                try (PreparedStatement insert = c.prepareStatement("""
                        insert into personal_data_key (subject, wrapped_key) values (?, ?)
                        on conflict (subject) do nothing""")) {
                    insert.setString(1, subject);
                    insert.setBytes(2, Aead.seal(master.get(), made.getEncoded(), bound(subject)));
                    if (insert.executeUpdate() == 1) {
                        remember(subject, made, true);
                        return made;
                    }
                }
            }
            // read ahead: a replay meets subjects in about the order their keys were made
            try (PreparedStatement select = c.prepareStatement("""
                    select subject, wrapped_key from personal_data_key k
                    where (k.created_at, k.subject) >= (select created_at, subject from personal_data_key where subject = ?)
                    order by k.created_at, k.subject limit ?""")) {
                select.setString(1, subject);
                select.setInt(2, READ_AHEAD);
                SecretKey found = ABSENT;
                Map<String, SecretKey> own = TransactionSynchronizationManager.isSynchronizationActive() ? own() : Map.of();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        String other = rs.getString(1);
                        if (own.containsKey(other)) {
                            continue; // made by this transaction: cached once it commits
                        }
                        byte[] wrapped = rs.getBytes(2);
                        SecretKey key = wrapped == null ? ERASED
                                : new SecretKeySpec(Aead.open(master.get(), wrapped, bound(other)), "AES");
                        remember(other, key, false);
                        if (other.equals(subject)) {
                            found = key;
                        }
                    }
                }
                // ABSENT when never made: nothing of it is encrypted; not cached, it may be made soon
                return found;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the key of " + subject, e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    private void remember(String subject, SecretKey key, boolean madeNow) {
        if (madeNow && TransactionSynchronizationManager.isSynchronizationActive()) {
            own().put(subject, key);
            return;
        }
        if (cache.size() >= maxCached) {
            cache.clear();
        }
        cache.put(subject, new Cached(key, key == ERASED ? Long.MAX_VALUE : System.nanoTime() + ttlNanos));
    }

    /** The keys this transaction made; cached once it commits. */
    @SuppressWarnings("unchecked")
    private Map<String, SecretKey> own() {
        Map<String, SecretKey> own = (Map<String, SecretKey>) TransactionSynchronizationManager.getResource(TRANSACTION_KEYS);
        if (own == null) {
            Map<String, SecretKey> made = new HashMap<>();
            TransactionSynchronizationManager.bindResource(TRANSACTION_KEYS, made);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(TRANSACTION_KEYS);
                    if (status == STATUS_COMMITTED) {
                        made.forEach((subject, key) -> remember(subject, key, false));
                    }
                }
            });
            own = made;
        }
        return own;
    }

    private void update(String sql, String... params) {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /** A wrapped key opens only as the key of its own subject. */
    private static byte[] bound(String subject) {
        return ("personal-data-key:" + subject).getBytes(StandardCharsets.UTF_8);
    }
}
