package io.portalusers.standalone.benchmark;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The results file: when, where, how, and the figures as the benchmark writes them. */
public final class Markdown {

    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final List<String> lines = new ArrayList<>();

    void machine(Connections database, String properties) {
        machine("Benchmarks B1, B4, B6: search, rebuild, reports", "nice -n 10 mvn -B -pl standalone -am verify "
                + "-Dtest=SearchRebuildReportsBenchmark -Dsurefire.failIfNoSpecifiedTests=false " + properties, database);
    }

    /** The title, then when, how ({@code command}) and where: machine, Java, the database. */
    public void machine(String title, String command, Connections database) {
        machine(title, command, database, "in the same JVM as the benchmark (Spring Boot context of the tests, "
                + "random port), called over HTTP on localhost");
    }

    /** As above, with where the service ran ({@code service}). */
    public void machine(String title, String command, Connections database, String service) {
        lines.add("# " + title);
        lines.add("");
        lines.add("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        lines.add("- command: `" + command + heapCap() + "`");
        lines.add("- machine: " + Runtime.getRuntime().availableProcessors() + " cores (nproc), " + memory()
                + " RAM, load average " + loadAverage() + " at the start; Java " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.name") + "), test JVM max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        try (Connection connection = database.open(); Statement statement = connection.createStatement()) {
            lines.add("- database: the tests' embedded PostgreSQL (io.zonky), the service's embedded defaults (portal.embedded.postgres.*, fsync off in tests): "
                    + value(statement, "select version()") + "; shared_buffers " + value(statement, "show shared_buffers")
                    + ", work_mem " + value(statement, "show work_mem") + ", lc_ctype " + value(statement, "select datctype from pg_database where datname = current_database()"));
        } catch (SQLException e) {
            lines.add("- database: " + e);
        }
        lines.add("- service: " + service);
        lines.add("");
    }

    public void section(String title) {
        lines.add("");
        lines.add("## " + title);
        lines.add("");
    }

    public void line(String format, Object... args) {
        lines.add(args.length == 0 ? format : format.formatted(args));
    }

    public void table(String... header) {
        lines.add("| " + String.join(" | ", header) + " |");
        lines.add("|" + "---|".repeat(header.length));
    }

    public void row(String... cells) {
        lines.add("| " + String.join(" | ", cells) + " |");
    }

    /** Writes the file, its last line the memory the test JVM (the service with the benchmark) took at its peak. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> written = new ArrayList<>(lines);
        written.add("");
        written.add("Memory: " + peakMemory());
        Files.write(file, written);
        written.forEach(System.out::println);
    }

    /** How the run capped the test JVM's heap, as its command says it: {@code -Dtest.jvm.args=-Xmx1g}; or nothing. */
    private static String heapCap() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-Xmx"))
                .reduce((first, last) -> last).map(cap -> " -Dtest.jvm.args=" + cap).orElse("");
    }

    /**
     * The test JVM's peak resident memory (Linux's VmHWM: the service and the benchmark's own data
     * together, so an upper bound of the service's), its heap's cap, and what the collector did:
     * its time, its full collections (G1's "Old Generation" collector runs only those) and the old
     * generation's size after its last collection. The embedded PostgreSQL is a process of its
     * own, not counted.
     */
    static String peakMemory() {
        long collections = 0;
        long millis = 0;
        long full = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
            if (collector.getName().contains("Old Generation")) {
                full += Math.max(0, collector.getCollectionCount());
            }
        }
        long oldAfterCollection = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getName().contains("Old Gen"))
                .map(MemoryPoolMXBean::getCollectionUsage).filter(Objects::nonNull)
                .mapToLong(MemoryUsage::getUsed).sum();
        double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        return ("test JVM peak resident %s, heap cap %d MiB; garbage collection %.1f s of the JVM's %.0f s (%.1f%%) "
                + "in %d collections, %d of them full; old generation after its last collection %d MiB")
                .formatted(residentPeak(), Runtime.getRuntime().maxMemory() / (1 << 20), millis / 1000.0, uptime,
                        100.0 * millis / 1000.0 / uptime, collections, full, oldAfterCollection / (1 << 20));
    }

    private static String residentPeak() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 + " MiB").orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** The nearest-rank percentile of {@code values} (in any order), as every benchmark here reports it. */
    public static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String value(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The 1, 5 and 15 minute load averages: how busy the machine was when the run began. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " / " + fields[1] + " / " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / (1 << 20) + " GiB").orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
