package io.portalusers.platform.chain;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Verifies the event log's hash chain straight from the database, without the service: for
 * auditors (docs/auditors.md, "Verifying the log"). Run from the service's jar:
 * <pre>
 * java -cp portal-users.jar -Dloader.main=io.portalusers.platform.chain.VerifyChain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     --url=jdbc:postgresql://localhost:5432/portal --user=auditor [--from=INDEX --hash=HEX] [--check=INDEX:HEX]
 * </pre>
 * The password comes from the environment variable {@code PGPASSWORD} (never an argument:
 * those show in process lists). Prints the report as {@code key: value} lines; exits 0 when
 * the chain is intact, 1 when it is not, 2 on a usage or connection error. It only reads: a
 * read-only database role that can select {@code domainevententry}, {@code event_seal} and
 * {@code event_seal_head} is enough.
 */
public final class VerifyChain {

    private VerifyChain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv("PGPASSWORD"), System.out, System.err));
    }

    /** What {@link #main} does, without exiting: its exit status. */
    public static int run(String[] args, String password, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                return usage(err, "not an --option=value: " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        String url = options.remove("url");
        String user = options.remove("user");
        long from;
        byte[] fromHash;
        Long checkIndex = null;
        byte[] checkHash = null;
        try {
            from = Long.parseLong(options.getOrDefault("from", "0"));
            options.remove("from");
            String hash = options.remove("hash");
            if (from > 0 && hash == null) {
                return usage(err, "--from needs --hash, the hash at that index you trust");
            }
            fromHash = from > 0 ? ChainHash.unhex(hash) : ChainHash.GENESIS;
            String check = options.remove("check");
            if (check != null) {
                int colon = check.indexOf(':');
                checkIndex = Long.parseLong(check.substring(0, colon));
                checkHash = ChainHash.unhex(check.substring(colon + 1));
            }
        } catch (RuntimeException e) {
            return usage(err, "bad --from, --hash or --check: " + e.getMessage());
        }
        if (url == null || !options.isEmpty()) {
            return usage(err, url == null ? "--url is required" : "unknown options " + options.keySet());
        }
        ChainVerifier.Report report;
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            report = new ChainVerifier().verify(connection, from, fromHash, checkIndex, checkHash);
        } catch (SQLException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        print(report, out);
        return report.intact() ? 0 : 1;
    }

    static void print(ChainVerifier.Report report, PrintStream out) {
        out.println("intact: " + report.intact());
        out.println("from: " + report.from());
        out.println("eventsVerified: " + report.eventsVerified());
        out.println("verifiedThrough: " + report.verifiedThrough());
        out.println("hashThere: " + report.hashThere());
        out.println("headIndex: " + report.headIndex());
        out.println("headHash: " + report.headHash());
        ChainVerifier.Mismatch m = report.firstMismatch();
        if (m != null) {
            out.println("mismatch: " + m.kind());
            out.println("globalIndex: " + m.globalIndex());
            out.println("eventIdentifier: " + m.eventIdentifier());
            out.println("aggregateIdentifier: " + m.aggregateIdentifier());
            out.println("sequenceNumber: " + m.sequenceNumber());
            out.println("detail: " + m.detail());
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("error: " + problem);
        err.println("usage: --url=jdbc:postgresql://HOST:PORT/DATABASE [--user=NAME] [--from=INDEX --hash=HEX]"
                + " [--check=INDEX:HEX]; password from PGPASSWORD");
        return 2;
    }
}
