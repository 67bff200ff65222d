package io.portalusers.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The search heads of db/query V6 and V8, which the user search reads a common term's first page
 * from: for every trigram of the lower-cased names and emails, in name order and in email order
 * alike (four heads per trigram), every user up to the head's bound (every
 * user when it has none) has its entry, in every snapshot, while writers of several statements
 * per transaction insert, rename and delete users with shared trigrams in parallel and the heads
 * are trimmed under them.
 */
class SearchHeadsTest extends ApiTest {

    /** The entries a head must hold and does not, and those it holds up to its bound that it must not, in one snapshot. */
    static final String DIFFERENCES = """
            with keys as (select 'n'::"char" as field, lower(full_name) as text, lower(full_name) collate "C" as sort_key,
                                 user_id from user_view
                          union all
                          select 'e'::"char", lower(email), lower(email) collate "C", user_id from user_view
                          union all
                          select 'm'::"char", lower(email), lower(full_name) collate "C", user_id from user_view
                          union all
                          select 'f'::"char", lower(full_name), lower(email) collate "C", user_id from user_view),
                 expected as (select k.field, t.trigram, k.sort_key, k.user_id
                              from keys k cross join lateral search_trigrams(k.text) as t(trigram)
                              left join search_head_bound b on b.field = k.field and b.trigram = t.trigram
                              where b.trigram is null or (k.sort_key, k.user_id) <= (b.sort_key, b.user_id)),
                 kept as (select h.field, h.trigram, h.sort_key, h.user_id
                          from search_head h left join search_head_bound b on b.field = h.field and b.trigram = h.trigram
                          where b.trigram is null or (h.sort_key, h.user_id) <= (b.sort_key, b.user_id))
            select 'missing ' || e::text from (select * from expected except select * from kept) e
            union all
            select 'extra ' || k::text from (select * from kept except select * from expected) k""";

    /** Few syllables, so that the writers' names share their trigrams and the heads fill and are trimmed. */
    private static final String[] SYLLABLES = {"zqa", "zqe", "zqo", "vex", "vax"};

    @Autowired
    private DataSource dataSource;

    private final List<UUID> written = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void headsBuilt() {
        // a rebuild of the users view started by a test before this one: its replay done (its writes
        // would add entries under these tests' counts), and the heads it left not built built (db/query V7)
        awaitCaughtUp("users");
        jdbc.sql("select search_heads_build_if_missing()").query(Boolean.class).single();
    }

    @AfterEach
    void removeTheWritersUsersAndRestoreTheHeads() {
        jdbc.sql("delete from user_view where user_id = any(:ids)").param("ids", written.toArray(UUID[]::new)).update();
        jdbc.sql("update search_head_size set entries = 200").update();
        jdbc.sql("select search_heads_rebuild()").query(String.class).single();
        assertThat(jdbc.sql(DIFFERENCES).query(String.class).list()).isEmpty();
    }

    private Connection connection() throws SQLException {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        Connection connection = DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
        connection.setAutoCommit(false);
        return connection;
    }

    private static String name(Random random) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            name.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        return Character.toUpperCase(name.charAt(0)) + name.substring(1) + " " + SYLLABLES[random.nextInt(SYLLABLES.length)];
    }

    /** A transaction of three statements: two inserts of users, then a rename (name or email) or a delete of one of its own. */
    private void writeOnce(Connection connection, Random random, List<UUID> own) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into user_view (user_id, username, email, first_name, last_name, full_name, language, category,
                                       account_role, source, enabled, activation, created_at, updated_at, version)
                values (?, ?, ?, 'Heads', 'Test', ?, 'en', 'GLOBAL_PUBLISHER', 'API_OWNER', 'PORTAL', true, 'ACTIVE',
                        now(), now(), 0)""")) {
            for (int i = 0; i < 2; i++) {
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setString(2, "heads-" + id);
                insert.setString(3, name(random).replace(' ', '.') + "@" + SYLLABLES[random.nextInt(SYLLABLES.length)] + ".example");
                insert.setString(4, name(random));
                insert.executeUpdate();
                own.add(id);
                written.add(id);
            }
        }
        UUID one = own.get(random.nextInt(own.size()));
        int change = random.nextInt(4);
        String sql = switch (change) {
            case 0 -> "update user_view set full_name = ? where user_id = ?";
            case 1 -> "update user_view set email = ? where user_id = ?";
            case 2 -> "update user_view set version = version + 1, updated_at = now() where user_id = ? and ? is not null";
            default -> "delete from user_view where user_id = ? and ? is not null";
        };
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (change < 2) {
                statement.setString(1, change == 0 ? name(random) : name(random).replace(' ', '_') + "@zqa.example");
                statement.setObject(2, one);
            } else {
                statement.setObject(1, one);
                statement.setString(2, "any");
            }
            statement.executeUpdate();
        }
        if (change == 3) {
            own.remove(one);
        }
        connection.commit();
    }

    @Test
    void heads_hold_every_user_up_to_their_bound_in_every_snapshot_under_concurrent_writers() throws Exception {
        // heads of five: they fill, are trimmed and cut at a bound many times over
        jdbc.sql("update search_head_size set entries = 5").update();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger checks = new AtomicInteger();
        List<String> seenDuringLoad = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> checker = pool.submit(() -> {
                while (running.get()) {
                    List<String> differences = jdbc.sql(DIFFERENCES).query(String.class).list();
                    seenDuringLoad.addAll(differences);
                    checks.incrementAndGet();
                }
                return null;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                long seed = w;
                writers.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    List<UUID> own = new ArrayList<>();
                    try (Connection connection = connection()) {
                        for (int i = 0; i < 60; i++) {
                            writeOnce(connection, random, own);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            running.set(false);
            checker.get();
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
        assertThat(seenDuringLoad).as("differences seen in some snapshot during the load").isEmpty();
        assertThat(checks.get()).isPositive();
        assertThat(jdbc.sql(DIFFERENCES).query(String.class).list()).isEmpty();
        assertThat(jdbc.sql("select count(*) from search_head_bound where trigram = 'zqa'").query(Long.class).single())
                .as("the writers' shared trigram, in names and in emails, each in name and in email order, cut at a bound")
                .isEqualTo(4);
        assertThat(jdbc.sql("select count(*) from search_head where field = 'n' and trigram = 'zqa'").query(Long.class).single())
                .as("its head trimmed, far below the writers' hundreds of users").isLessThanOrEqualTo(50);
    }

    @Test
    void a_rebuild_gives_the_heads_the_writers_kept() {
        jdbc.sql("update search_head_size set entries = 5").update();
        Random random = new Random(7);
        List<UUID> own = new ArrayList<>();
        try (Connection connection = connection()) {
            for (int i = 0; i < 20; i++) {
                writeOnce(connection, random, own);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(jdbc.sql(DIFFERENCES).query(String.class).list()).isEmpty();
        try (Connection connection = connection(); java.sql.Statement statement = connection.createStatement()) {
            statement.execute("select search_heads_rebuild()");
            // read in the rebuild's transaction, which holds the view's share lock: no writer comes between
            try (java.sql.ResultSet differences = statement.executeQuery(DIFFERENCES)) {
                assertThat(differences.next()).as("a difference after the rebuild").isFalse();
            }
            // a rebuild cuts each head with more users than its size at its fifth
            try (java.sql.ResultSet uneven = statement.executeQuery("""
                    select count(*) from search_head_bound b
                    where (select count(*) from search_head h where h.field = b.field and h.trigram = b.trigram) <> 5""")) {
                uneven.next();
                assertThat(uneven.getLong(1)).isZero();
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(jdbc.sql("select count(*) from search_head_bound where trigram = 'zqa'").query(Long.class).single())
                .as("the names' and the emails' heads of the writers' shared trigram, in either order").isEqualTo(4);
    }
}
