package io.portalusers.standalone.benchmark;

import io.portalusers.api.UserId;
import io.portalusers.api.user.EmailAddress;
import io.portalusers.api.user.Language;
import io.portalusers.api.user.PersonName;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import io.portalusers.api.user.Username;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.standalone.Api;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R-REG-4, timing: the answer to a registration naming an existing user's email must take as
 * long as one naming a fresh address, or its latency tells which addresses have accounts.
 * Not a test: its name keeps it out of {@code mvn verify}; run it on purpose with
 * <pre>nice mvn -o -B verify -pl standalone -am -Dtest=RegistrationTimingBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * It writes {@code benchmarks/R-REG-4-timing.md} (or {@code -Dbenchmark.results=...}).
 *
 * <p>For each setting (registration workflow off, then on): a warm-up, then 200 registrations
 * with emails of existing users and 200 with fresh ones, in pairs of one of each in a random
 * order, one at a time
 * over HTTP as an anonymous visitor would send them; each answer's latency is measured at the
 * client. The groups are compared by their medians and 95th percentiles and by a two-sided
 * Mann-Whitney U test (normal approximation, ties corrected). The anonymous rate limit is
 * raised for it, as for every test (all calls come from 127.0.0.1).
 */
class RegistrationTimingBenchmark extends ServiceBenchmark {

    private static final int PER_GROUP = Integer.getInteger("benchmark.perGroup", 200);
    private static final int WARMUP = Integer.getInteger("benchmark.warmup", 200);
    /** A pause between requests, so that what one leaves to do in the background (the saga, emails) is mostly done. */
    private static final int PAUSE_MS = Integer.getInteger("benchmark.pauseMs", 30);
    private static final long SEED = Long.getLong("benchmark.seed", 20261206L);
    private static final Path RESULTS = Path.of(System.getProperty("benchmark.results", "../benchmarks/R-REG-4-timing.md"));
    private static final double TARGET_RATIO = 0.05;
    private static final double TARGET_P = 0.05;

    @Autowired
    private DataSource dataSource;
    @Autowired
    @Qualifier("reconciliationRounds")
    private PeriodicTask reconciliation;

    private final Markdown out = new Markdown();
    private final Random random = new Random(SEED);
    private int sequence;
    /** Every latency in the order measured, for a closer look: target/benchmark/R-REG-4-samples.txt. */
    private final List<String> samples = new ArrayList<>();

    @Test
    void registration_timing() throws Exception {
        // the scheduled reconciliation reads the whole log: not during measurements
        reconciliation.stop();
        out.machine("R-REG-4: registration latency, existing against fresh emails",
                "nice mvn -o -B verify -pl standalone -am -Dtest=RegistrationTimingBenchmark "
                        + "-Dsurefire.failIfNoSpecifiedTests=false", dataSource::getConnection);
        out.line("- load average at the start: %s", loadAverage());
        out.line("- workload: per setting %d registrations with emails of existing users and %d with fresh emails, "
                        + "in pairs of one of each, each pair in a random order (seed %d), one at a time, %d ms apart, after %d warm-up registrations "
                        + "(half of each kind); each with a fresh username and a fresh organization name; latency from "
                        + "sending the request to reading the whole answer, at the client (java.net.http, kept-alive "
                        + "connection). Every answer is checked to be 202 with the one constant body.",
                PER_GROUP, PER_GROUP, SEED, PAUSE_MS, WARMUP);
        out.line("- statistics: medians and 95th percentiles in ms; ratio = median existing / median fresh; "
                + "two-sided Mann-Whitney U test, normal approximation with tie and continuity corrections. "
                + "Target: medians within %.0f%% and p >= %.2f.", TARGET_RATIO * 100, TARGET_P);
        out.section("Results");
        out.table("registration workflow", "n existing / fresh", "median existing", "median fresh", "ratio",
                "p95 existing", "p95 fresh", "Mann-Whitney U", "z", "p (two-sided)", "target met");
        List<String> notes = new ArrayList<>();
        try {
            for (boolean workflow : new boolean[] {false, true}) {
                settings(workflow);
                run(workflow, WARMUP / 2, null);
                run(workflow, PER_GROUP, notes);
            }
        } finally {
            settings(false);
            out.line("");
            notes.forEach(out::line);
            out.line("");
            out.line("- load average at the end: %s", loadAverage());
            out.write(RESULTS);
            Files.createDirectories(Path.of("target/benchmark"));
            Files.write(Path.of("target/benchmark/R-REG-4-samples.txt"), samples);
            reconciliation.start();
        }
    }

    private boolean settings(boolean workflow) {
        Api.Response changed = api.put("/api/settings", """
                {"ssoEnabled": false, "thirdPartyRegistrationEnabled": true, "registrationWorkflowEnabled": %s}"""
                .formatted(workflow)).token(admin).send();
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        return workflow;
    }

    /** {@code perGroup} of each kind in random pairs; with {@code notes} null a warm-up, not reported. */
    private void run(boolean workflow, int perGroup, List<String> notes) throws InterruptedException {
        List<String> existing = existingEmails(perGroup);
        // pairs of one of each kind, each pair in a random order: a slow spell of the shared
        // machine hits both kinds alike, and neither kind always follows the other
        List<Boolean> order = new ArrayList<>();
        for (int i = 0; i < perGroup; i++) {
            boolean existingFirst = random.nextBoolean();
            order.add(existingFirst);
            order.add(!existingFirst);
        }
        long[] existingNanos = new long[perGroup];
        long[] freshNanos = new long[perGroup];
        int e = 0;
        int f = 0;
        String reference = null;
        for (boolean ofExisting : order) {
            String unique = "b" + (sequence++) + "x" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            String email = ofExisting ? existing.get(e) : unique + "@fresh.example";
            String body = """
                    {"username": "reg-%s", "email": "%s", "firstName": "Vera", "lastName": "Visitor", "language": "en",
                     "organizationName": "Timing %s", "termsAccepted": true}""".formatted(unique, email, unique);
            Api.Call call = api.post("/api/registrations", body);
            long started = System.nanoTime();
            Api.Response answer = call.send();
            long took = System.nanoTime() - started;
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            if (reference == null) {
                reference = answer.body();
            }
            assertThat(answer.body()).isEqualTo(reference);
            if (ofExisting) {
                existingNanos[e++] = took;
            } else {
                freshNanos[f++] = took;
            }
            Thread.sleep(PAUSE_MS);
        }
        if (notes == null) {
            return;
        }
        samples.add((workflow ? "on" : "off") + ",existing," + Arrays.toString(existingNanos));
        samples.add((workflow ? "on" : "off") + ",fresh," + Arrays.toString(freshNanos));
        Arrays.sort(existingNanos);
        Arrays.sort(freshNanos);
        double medianExisting = median(existingNanos);
        double medianFresh = median(freshNanos);
        double ratio = medianExisting / medianFresh;
        MannWhitney test = MannWhitney.of(existingNanos, freshNanos);
        boolean met = Math.abs(ratio - 1) <= TARGET_RATIO && test.p() >= TARGET_P;
        out.row(workflow ? "on" : "off", perGroup + " / " + perGroup, ms(medianExisting), ms(medianFresh),
                String.format(Locale.ROOT, "%.3f", ratio), ms(percentile(existingNanos, 0.95)),
                ms(percentile(freshNanos, 0.95)), String.format(Locale.ROOT, "%.0f", test.u()),
                String.format(Locale.ROOT, "%.2f", test.z()), String.format(Locale.ROOT, "%.3f", test.p()),
                met ? "yes" : "NO");
        notes.add("- workflow %s: existing min %s, max %s; fresh min %s, max %s (ms)".formatted(workflow ? "on" : "off",
                ms(existingNanos[0]), ms(existingNanos[perGroup - 1]), ms(freshNanos[0]), ms(freshNanos[perGroup - 1])));
    }

    /** Emails of {@code count} users that exist, each created as the user aggregate would (with its lookups). */
    private List<String> existingEmails(int count) {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String unique = "e" + (sequence++) + "x" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            UserId id = UserId.random();
            givenEvent(id, new UserCreated(id, Username.of("old-" + unique), EmailAddress.of(unique + "@existing.example"),
                    new PersonName("Olga", "Old"), Language.ENGLISH, Role.DEVELOPER, List.of(), UserSource.PORTAL, null,
                    false));
            emails.add(unique + "@existing.example");
        }
        return emails;
    }

    private static double median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** Nearest rank. */
    private static double percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /**
     * The two-sided Mann-Whitney U test of two samples, by the normal approximation (fine from
     * about 20 a group): ranks of the pooled samples (ties get their mean rank), U of the first
     * sample, its mean and its variance corrected for ties, and a continuity correction of 1/2.
     */
    record MannWhitney(double u, double z, double p) {

        static MannWhitney of(long[] a, long[] b) {
            int n1 = a.length;
            int n2 = b.length;
            int n = n1 + n2;
            long[][] pooled = new long[n][];
            for (int i = 0; i < n1; i++) {
                pooled[i] = new long[] {a[i], 0};
            }
            for (int i = 0; i < n2; i++) {
                pooled[n1 + i] = new long[] {b[i], 1};
            }
            Arrays.sort(pooled, (x, y) -> Long.compare(x[0], y[0]));
            double rankSumA = 0;
            double ties = 0;
            for (int i = 0; i < n; ) {
                int j = i;
                while (j + 1 < n && pooled[j + 1][0] == pooled[i][0]) {
                    j++;
                }
                double rank = (i + j) / 2.0 + 1;
                for (int k = i; k <= j; k++) {
                    if (pooled[k][1] == 0) {
                        rankSumA += rank;
                    }
                }
                double t = j - i + 1;
                ties += t * t * t - t;
                i = j + 1;
            }
            double u = rankSumA - n1 * (n1 + 1) / 2.0;
            double mean = n1 * (double) n2 / 2;
            double variance = n1 * (double) n2 / 12 * ((n + 1) - ties / ((double) n * (n - 1)));
            double distance = Math.max(0, Math.abs(u - mean) - 0.5);
            double z = variance == 0 ? 0 : Math.signum(u - mean) * distance / Math.sqrt(variance);
            double p = Math.min(1, 2 * (1 - phi(Math.abs(z))));
            return new MannWhitney(u, z, p);
        }

        /** The standard normal distribution function, from erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
        static double phi(double x) {
            double t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.sqrt(2));
            double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                    + t * 1.061405429)))) * Math.exp(-x * x / 2);
            return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
        }
    }
}
