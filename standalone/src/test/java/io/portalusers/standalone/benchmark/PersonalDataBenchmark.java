package io.portalusers.standalone.benchmark;

import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserNameChanged;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.platform.privacy.EncryptingSerializer;
import io.portalusers.platform.privacy.PersonalDataKeys;
import io.portalusers.standalone.OwnContextTest;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost of encrypting personal data: appending and replaying users' events through Axon's
 * JDBC event store with the encrypting event serializer against the same store with the plain
 * Jackson serializer it wraps (target: replay at 0.8x or more of the plain one). Each round
 * appends {@code benchmark.users} users (default 5,000; a creation and a rename each, one
 * transaction per user as a command appends them), replays them deserializing every payload,
 * then deletes them; plain and encrypted alternate, {@code benchmark.rounds} times
 * (default 5; the machine is shared, so medians). Then the deserialization alone, in memory. The encrypted replay runs twice: with each key read from the database once
 * (a node's first replay) and with the keys cached. Not a test: its name keeps it out of
 * {@code mvn verify}; run it on purpose with
 * <pre>nice -n 10 mvn -o -B -pl standalone -am test -Dtest=PersonalDataBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * It writes {@code target/benchmark/personal-data.md} (copied to benchmarks/personal-data.md).
 */
class PersonalDataBenchmark extends OwnContextTest {

    private static final Path RESULTS = Path.of(System.getProperty("benchmark.results", "target/benchmark/personal-data.md"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ownDatabase(registry, "personal-data-benchmark");
        registry.add("portal.audit.chain.interval", () -> "1h");
    }

    @Autowired
    private DataSource dataSource;
    @Autowired
    @Qualifier("eventSerializer")
    private Serializer eventSerializer;
    @Autowired
    private PersonalDataKeys keys;
    @Autowired
    private ConnectionProvider connections;
    @Autowired
    private TransactionManager transactions;
    @Autowired
    private PersistenceExceptionResolver exceptions;
    @Autowired
    private EventProcessingConfiguration processing;
    @Value("${benchmark.users:5000}")
    private int users;
    @Value("${benchmark.rounds:5}")
    private int rounds;
    /** The last event before the benchmark's. */
    private long base;
    /**
     * The last event before the round's: its replay starts there, without the indexes of the
     * rounds deleted before it (a tracking token would carry them as gaps).
     */
    private long roundBase;

    @Test
    void encrypted_against_plain_append_and_replay() throws Exception {
        base = lastIndex();
        // the context's processors would project the rounds' events meanwhile, on the same two cores
        processing.eventProcessors().values().forEach(EventProcessor::shutDown);
        EncryptingSerializer encrypting = (EncryptingSerializer) eventSerializer;
        Serializer plain = JacksonSerializer.builder().objectMapper(encrypting.objectMapper()).build();
        JdbcEventStorageEngine plainStore = store(plain);
        JdbcEventStorageEngine encryptedStore = store(encrypting);
        Markdown md = new Markdown();
        md.machine("Personal data: encrypted against plain append and replay",
                "nice -n 10 mvn -o -B -pl standalone -am test -Dtest=PersonalDataBenchmark "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.users=" + users + " -Dbenchmark.rounds=" + rounds,
                dataSource::getConnection,
                "the event store of the service's context (Axon's JdbcEventStorageEngine, fetch size 1,000), driven by the"
                        + " benchmark; the context's event processors shut down first");
        md.line("Per round: %,d users, %,d events (UserCreated and UserNameChanged, 5 personal fields), one transaction per user.",
                users, 2L * users);
        md.section("Append and replay");
        md.table("round", "serializer", "append (s)", "appended events/s", "replay (s)", "replayed events/s",
                "replay, keys cached (s)", "replayed events/s, keys cached");
        List<Double> replayRatios = new ArrayList<>();
        List<Double> coldRatios = new ArrayList<>();
        List<Double> appendRatios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            long events = 2L * users;
            double plainAppend = append(plainStore);
            double plainReplay = replay(plainStore, events);
            clear();
            keys.clearCache();
            double encryptedAppend = append(encryptedStore);
            keys.clearCache();
            double coldReplay = replay(encryptedStore, events);
            double warmReplay = replay(encryptedStore, events);
            clear();
            md.row(Integer.toString(round), "plain Jackson", fmt(plainAppend), fmt0(events / plainAppend), fmt(plainReplay),
                    fmt0(events / plainReplay), "", "");
            md.row(Integer.toString(round), "encrypting", fmt(encryptedAppend), fmt0(events / encryptedAppend),
                    fmt(coldReplay), fmt0(events / coldReplay), fmt(warmReplay), fmt0(events / warmReplay));
            appendRatios.add(plainAppend / encryptedAppend);
            replayRatios.add(plainReplay / warmReplay);
            coldRatios.add(plainReplay / coldReplay);
        }
        md.line("");
        md.line("Replay with encryption against the plain replay rate, median of the rounds (worst): %s with the keys cached,"
                + " %s reading each key from the database once; append %s.", ratio(replayRatios), ratio(coldRatios),
                ratio(appendRatios));
        md.section("Deserialization alone");
        md.line("The same %,d events, serialized once by each serializer, deserialized from their bytes in memory (no"
                + " database), alternately %d times each, keys cached:", 2L * users, CPU_ROUNDS);
        md.line("");
        cpuOnly(md, plain, encrypting);
        md.line("");
        md.line("Append: `appendEvents` of a user's two events in a transaction of their own, as a command appends them; "
                + "encrypted, each new user's key is also made and stored (wrapped) in that transaction. Replay: "
                + "`readEvents` of the round's events (from the index before them, so without gaps), every payload deserialized; encrypted, each "
                + "event's personal fields, sealed together, are decrypted with one AES-256-GCM operation and put in the"
                + " sealed property's place in the stored bytes, which Jackson then binds once, and each user's key is"
                + " read (and unwrapped) once from personal_data_key on a cold cache.");
        md.write(RESULTS);
    }

    private static final int CPU_ROUNDS = 7;

    private void cpuOnly(Markdown md, Serializer plain, Serializer encrypting) {
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            UserId user = UserId.random();
            String unique = user.toString().substring(0, 13);
            events.add(new UserCreated(user, Username.of("bench-" + unique), EmailAddress.of(unique + "@bench.example"),
                    new PersonName("Bench" + i, "Mark"), Language.ENGLISH, Role.API_OWNER, List.of(), UserSource.PORTAL,
                    null, false));
            events.add(new UserNameChanged(user, new PersonName("Bench" + i, "Marked")));
        }
        List<SerializedObject<byte[]>> plainBytes = events.stream().map(e -> plain.serialize(e, byte[].class)).toList();
        List<SerializedObject<byte[]>> encryptedBytes = transactions.fetchInTransaction(() ->
                events.stream().map(e -> encrypting.serialize(e, byte[].class)).toList());
        List<Double> plainTimes = new ArrayList<>();
        List<Double> encryptedTimes = new ArrayList<>();
        for (int round = 0; round < CPU_ROUNDS; round++) {
            plainTimes.add(deserialize(plain, plainBytes));
            encryptedTimes.add(deserialize(encrypting, encryptedBytes));
        }
        double plainMedian = median(plainTimes);
        double encryptedMedian = median(encryptedTimes);
        md.table("serializer", "median (s)", "events/s");
        md.row("plain Jackson", fmt(plainMedian), fmt0(events.size() / plainMedian));
        md.row("encrypting", fmt(encryptedMedian), fmt0(events.size() / encryptedMedian));
        md.line("");
        md.line("Encrypting at %.2fx the plain rate (medians).", plainMedian / encryptedMedian);
        clear();
    }

    private static double deserialize(Serializer serializer, List<SerializedObject<byte[]>> serialized) {
        long start = System.nanoTime();
        long n = 0;
        for (SerializedObject<byte[]> one : serialized) {
            if (serializer.deserialize(one) != null) {
                n++;
            }
        }
        assertThat(n).isEqualTo(serialized.size());
        return seconds(start);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String ratio(List<Double> ratios) {
        return String.format(Locale.ROOT, "%.2fx (%.2fx)", median(ratios),
                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0));
    }

    private JdbcEventStorageEngine store(Serializer serializer) {
        return JdbcEventStorageEngine.builder()
                .snapshotSerializer(serializer)
                .eventSerializer(serializer)
                .persistenceExceptionResolver(exceptions)
                .connectionProvider(connections)
                .transactionManager(transactions)
                .schema(new EventSchema())
                .batchSize(1_000)
                .build();
    }

    private double append(JdbcEventStorageEngine store) throws Exception {
        // the sequence's last value, not the highest row: the rounds deleted before took indexes too
        roundBase = sequenceValue();
        long start = System.nanoTime();
        for (int i = 0; i < users; i++) {
            UserId user = UserId.random();
            String unique = user.toString().substring(0, 13);
            List<DomainEventMessage<?>> events = new ArrayList<>();
            events.add(new GenericDomainEventMessage<>("User", user.toString(), 0, new UserCreated(user,
                    Username.of("bench-" + unique), EmailAddress.of(unique + "@bench.example"),
                    new PersonName("Bench" + i, "Mark"), Language.ENGLISH, Role.API_OWNER, List.of(),
                    UserSource.PORTAL, null, false)));
            events.add(new GenericDomainEventMessage<>("User", user.toString(), 1,
                    new UserNameChanged(user, new PersonName("Bench" + i, "Marked"))));
            transactions.executeInTransaction(() -> store.appendEvents(events));
        }
        return seconds(start);
    }

    private double replay(JdbcEventStorageEngine store, long expected) {
        long start = System.nanoTime();
        long n;
        try (Stream<? extends TrackedEventMessage<?>> events = store.readEvents(GapAwareTrackingToken.newInstance(roundBase, Collections.emptySet()), false)) {
            n = events.map(TrackedEventMessage::getPayload).filter(p -> p instanceof UserCreated || p instanceof UserNameChanged)
                    .count();
        }
        double took = seconds(start);
        assertThat(n).isEqualTo(expected);
        return took;
    }

    /** Deletes the benchmark's users' events and their keys: each round starts from the same log. */
    private void clear() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("delete from domainevententry where globalindex > " + base);
            s.execute("delete from personal_data_key where subject not in (select aggregateidentifier from domainevententry)");
            s.execute("vacuum analyze domainevententry");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long lastIndex() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select coalesce(max(globalindex), 0) from domainevententry")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long sequenceValue() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select last_value from domainevententry_globalindex_seq")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String fmt0(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
