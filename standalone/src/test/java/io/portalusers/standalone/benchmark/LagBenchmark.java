package io.portalusers.standalone.benchmark;

import io.portalusers.standalone.Api;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark B7, the projection under a steady load with gaps in the log: creations over HTTP at
 * a fixed rate (default 500 a second for 60 seconds) twice, first all of them accepted, then
 * with 1% refused by the uniqueness rule (an email already taken), whose rolled-back appends
 * leave gaps in the global index. Measured: how long each event waits between its append and
 * its fold into the users view (projection lag, target p99 at most 1 s); a replay of the users
 * view over both phases, whose rate through the phase with gaps is compared with its rate through
 * the gap-free one (target at least 0.9x); and the reconciliation check afterwards (target: no
 * aggregate behind). Not a test: its name keeps it out of {@code mvn verify};
 * benchmarks/README.md gives the command.
 */
class LagBenchmark extends ServiceBenchmark {

    @Autowired
    private DataSource dataSource;
    @Autowired
    private EventProcessingConfiguration processing;
    @Value("${benchmark.rate:500}")
    private int rate;
    @Value("${benchmark.seconds:60}")
    private int seconds;
    /** Creations at the same rate before the first phase, not measured: the JIT compiles the service for tens of seconds after it starts. */
    @Value("${benchmark.warmup:6000}")
    private int warmup;
    @Value("${benchmark.results:target/benchmark/lag.md}")
    private String results;

    /** One look at the log's head and the users processor's position. */
    private record Sample(long nanos, long head, long position) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final AtomicBoolean sampling = new AtomicBoolean();

    @Test
    void B7_lag() throws Exception {
        Markdown md = new Markdown();
        md.machine("Benchmark B7: projection lag and replay with gaps",
                "mvn -o -B -pl standalone -am test -Dtest=LagBenchmark -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dbenchmark.rate=" + rate + " -Dbenchmark.seconds=" + seconds + " -Dbenchmark.warmup=" + warmup,
                dataSource::getConnection);
        String organization = organization("Lag " + letters(10));
        StreamingEventProcessor users = processing.eventProcessor("users", StreamingEventProcessor.class).orElseThrow();
        Thread sampler = sampler(users);

        if (warmup > 0) {
            load("warm-up", organization, 0.0, users, warmup);
        }
        Phase gapFree = load("gap-free", organization, 0.0, users, rate * seconds);
        Phase withGaps = load("1% refused", organization, 0.01, users, rate * seconds);

        md.section("Lag under load");
        md.line("First %,d creations at the same rate, not measured (the JIT compiles the service for tens of seconds after "
                + "it starts; the first phase measured that before), and the users processor caught up. Then creations "
                + "through `POST /api/users` (a Developer in one organization, Notify User off) from a pool of "
                + "64 client threads, started at a fixed rate of %,d a second for %d s per phase; in the second phase "
                + "1%% of them reuse an email taken in that phase and are refused (409, R-ADD-6). Lag: from the first "
                + "sample (every 5 ms) in which the log's head reached an event to the first in which the users "
                + "processor's lowest segment had passed it. Answered/s: creations over the time from the first started "
                + "to the last answered (below the started rate when the service cannot keep up; the lag is then "
                + "measured at the rate it could take).", warmup, rate, seconds);
        md.line("");
        md.table("phase", "started/s", "answered/s", "accepted", "refused", "other", "events", "gaps", "lag p50 ms", "lag p99 ms",
                "lag max ms", "target");
        for (Phase phase : List.of(gapFree, withGaps)) {
            long[] lags = lags(phase);
            md.row(phase.name, String.format(Locale.ROOT, "%,.0f", phase.started / phase.seconds),
                    String.format(Locale.ROOT, "%,.0f", phase.started / phase.answeredSeconds),
                    String.format(Locale.ROOT, "%,d", phase.accepted), String.format(Locale.ROOT, "%,d", phase.refused),
                    phase.other == 0 ? "0" : phase.others, String.format(Locale.ROOT, "%,d", phase.events.length),
                    String.format(Locale.ROOT, "%,d", phase.last - phase.first + 1 - phase.events.length),
                    ms(lags, 0.5), ms(lags, 0.99), ms(lags, 1.0),
                    (percentile(lags, 0.99) <= 1_000_000_000L ? "met" : "NOT met") + " (p99 <= 1 s)");
        }

        md.section("Replay through the gaps");
        synchronized (samples) {
            samples.clear();
        }
        Api.Response rebuild = api.post("/api/admin/projections/users/rebuild", "").token(admin).send();
        assertThat(rebuild.status()).as(rebuild.toString()).isEqualTo(202);
        awaitPosition(users, withGaps.last, 600);
        List<Sample> replay = samples();
        // the replay's samples: from the first that shows the position reset to before the first phase
        int reset = 0;
        while (replay.get(reset).position() >= gapFree.first) {
            reset++;
        }
        replay = replay.subList(reset, replay.size());
        double gapFreeRate = replayRate(replay, gapFree);
        double gapsRate = replayRate(replay, withGaps);
        md.line("`POST /api/admin/projections/users/rebuild`, then the processor's lowest position sampled every 5 ms: "
                + "events folded per second while it crossed each phase's range of the log.");
        md.line("");
        md.table("range", "events", "events/s");
        md.row("gap-free phase", String.format(Locale.ROOT, "%,d", gapFree.events.length),
                String.format(Locale.ROOT, "%,.0f", gapFreeRate));
        md.row("phase with 1% refused", String.format(Locale.ROOT, "%,d", withGaps.events.length),
                String.format(Locale.ROOT, "%,.0f", gapsRate));
        md.line("");
        md.line("Replay through the gaps at %.2fx the gap-free rate: %s (>= 0.9x).", gapsRate / gapFreeRate,
                gapsRate / gapFreeRate >= 0.9 ? "met" : "NOT met");

        md.section("Nothing skipped");
        Api.Response reconciled = api.get("/api/admin/projections/users/reconciliation?settledFor=PT0S").token(admin).send();
        assertThat(reconciled.status()).as(reconciled.toString()).isEqualTo(200);
        long behind = reconciled.json().get("behind").asLong();
        md.line("The reconciliation check after the replay, every event counted as settled: %,d aggregates behind: %s "
                + "(0).", behind, behind == 0 ? "met" : "NOT met");
        sampling.set(false);
        sampler.join();
        md.write(Path.of(results));
    }

    /** The events of one phase: the global indexes between its first and last, as stored. */
    private static final class Phase {
        final String name;
        int accepted;
        int refused;
        int other;
        String others = "";
        int started;
        double seconds;
        /** From the first creation started to the last one answered. */
        double answeredSeconds;
        long first;
        long last;
        long[] events;

        Phase(String name) {
            this.name = name;
        }
    }

    private Phase load(String name, String organization, double refusedShare, StreamingEventProcessor users, int total)
            throws Exception {
        Phase phase = new Phase(name);
        phase.first = head() + 1;
        String prefix = letters(8);
        List<String> taken = new ArrayList<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(64);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String email;
            if (i > 100 && ThreadLocalRandom.current().nextDouble() < refusedShare) {
                synchronized (taken) {
                    email = taken.get(ThreadLocalRandom.current().nextInt(taken.size()));
                }
            } else {
                email = "l-" + prefix + "-" + i + "@lag.example";
                synchronized (taken) {
                    taken.add(email);
                }
            }
            String body = """
                    {"username": "l-%s-%d", "email": "%s", "firstName": "Lag", "lastName": "User%d", "role": "DEVELOPER",
                     "notify": false, "memberships": [{"organizationId": "%s", "role": "DEVELOPER"}]}"""
                    .formatted(prefix, i, email, i, organization);
            clients.submit(() -> {
                int status;
                try {
                    status = api.post("/api/users", body).token(admin).send().status();
                } catch (RuntimeException e) {
                    status = -1; // no answer (a timeout): counted apart
                }
                statuses.merge(status, 1, Integer::sum);
            });
        }
        phase.started = total;
        phase.seconds = (System.nanoTime() - start) / 1e9;
        clients.shutdown();
        assertThat(clients.awaitTermination(10, TimeUnit.MINUTES)).isTrue();
        phase.answeredSeconds = (System.nanoTime() - start) / 1e9;
        phase.accepted = statuses.getOrDefault(201, 0);
        phase.refused = statuses.getOrDefault(409, 0);
        phase.other = total - phase.accepted - phase.refused;
        phase.others = statuses.entrySet().stream().filter(e -> e.getKey() != 201 && e.getKey() != 409)
                .map(e -> e.getValue() + " x " + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
        phase.last = head();
        awaitPosition(users, phase.last, 300);
        phase.events = events(phase.first, phase.last);
        return phase;
    }

    private long[] events(long first, long last) {
        return jdbc.sql("select globalindex from domainevententry where globalindex between ? and ? order by globalindex")
                .params(first, last).query(Long.class).list().stream().mapToLong(Long::longValue).toArray();
    }

    private static long position(StreamingEventProcessor users) {
        Map<Integer, EventTrackerStatus> status = users.processingStatus();
        if (status.isEmpty()) {
            return -1;
        }
        return status.values().stream()
                .mapToLong(s -> s.getCurrentPosition().orElse(-1)).min().orElse(-1);
    }

    private Thread sampler(StreamingEventProcessor users) {
        sampling.set(true);
        Thread thread = new Thread(() -> {
            while (sampling.get()) {
                Sample sample = new Sample(System.nanoTime(), head(), position(users));
                synchronized (samples) {
                    samples.add(sample);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lag-sampler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void awaitPosition(StreamingEventProcessor users, long index, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (position(users) < index) {
            assertThat(System.nanoTime()).as("the users processor reaches " + index).isLessThan(until);
            Thread.sleep(20);
        }
        // so that the sampler has seen it too
        Thread.sleep(50);
    }

    private List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** For each event of the phase: first sample with the head at or past it to first with the position past it. */
    private long[] lags(Phase phase) {
        List<Sample> seen = samples();
        long[] lags = new long[phase.events.length];
        int appended = 0;
        int folded = 0;
        for (int e = 0; e < phase.events.length; e++) {
            long index = phase.events[e];
            while (appended < seen.size() && seen.get(appended).head() < index) {
                appended++;
            }
            while (folded < seen.size() && seen.get(folded).position() < index) {
                folded++;
            }
            if (appended == seen.size() || folded == seen.size()) {
                lags[e] = Long.MAX_VALUE;
            } else {
                lags[e] = Math.max(0, seen.get(folded).nanos() - seen.get(appended).nanos());
            }
        }
        Arrays.sort(lags);
        return lags;
    }

    /**
     * Events per second of the replay across the phase: from the last sample before the position
     * entered the phase's range to the first at or past its end, every event between them counted.
     */
    private double replayRate(List<Sample> seen, Phase phase) {
        Sample from = seen.stream().filter(s -> s.position() < phase.first).reduce((a, b) -> b).orElseThrow();
        Sample to = seen.stream().filter(s -> s.position() >= phase.last).findFirst().orElseThrow();
        long events = jdbc.sql("select count(*) from domainevententry where globalindex > ? and globalindex <= ?")
                .params(from.position(), to.position()).query(Long.class).single();
        return events / Math.max(1e-9, (to.nanos() - from.nanos()) / 1e9);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String ms(long[] sorted, double p) {
        long value = percentile(sorted, p);
        return value == Long.MAX_VALUE ? "never" : String.format(Locale.ROOT, "%.0f", value / 1e6);
    }
}
