package io.portalusers.standalone.benchmark;

import java.io.IOException;
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
        lines.add("- command: `" + command + "`");
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

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        lines.forEach(System.out::println);
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
