package io.portalusers.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Nodes of the service as child JVMs: each side's application class on the test JVM's own
 * classpath (so no packaged jar is needed), on a port of its own on 127.0.0.1, its output in
 * a log file. A node is killed with SIGKILL ({@link Process#destroyForcibly()}); closing the
 * harness stops every node still running, and a node whose test JVM dies halts by itself
 * ({@link NodeLauncher}). Public for the benchmarks' package ({@code ScaleOutBenchmark}).
 */
public final class NodeHarness implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path logs;
    private final List<String> jvmOptions;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread onExit = new Thread(this::killAll, "node-harness-exit");

    /** One child JVM: its process, its port and its log. */
    public record Node(String name, Process process, int port, Path log) {

        public Api api() {
            return new Api(base());
        }

        public String base() {
            return "http://127.0.0.1:" + port;
        }

        /** The owner Axon's JDBC token store writes into this node's claims: {@code pid@host}. */
        public String claimOwnerPrefix() {
            return process.pid() + "@";
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** The last lines of the node's log, for a failure's message. */
        public String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public String toString() {
            return name + " (pid " + process.pid() + ", port " + port + ")";
        }
    }

    public NodeHarness(Path logs, List<String> jvmOptions) throws IOException {
        this.logs = Files.createDirectories(logs);
        this.jvmOptions = jvmOptions;
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Starts {@code main} with {@code args} and a port of its own; does not wait for it. */
    public synchronized Node start(String name, Class<?> main, List<String> args) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NodeLauncher.class.getName(), main.getName(),
                "--server.port=" + port, "--server.address=127.0.0.1"));
        command.addAll(args);
        Path log = logs.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Node node = new Node(name, process, port, log);
        nodes.add(node);
        return node;
    }

    /** Waits until the node's readiness probe answers UP; fails with its log when it dies or the time is up. */
    public static void awaitReady(Node node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!node.alive()) {
                throw new AssertionError(node + " exited with " + node.process().exitValue() + " before it was ready:\n"
                        + node.tail());
            }
            try {
                HttpResponse<String> readiness = HTTP.send(HttpRequest.newBuilder(URI.create(node.base()
                                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (readiness.statusCode() == 200 && readiness.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(node + " not ready after " + timeout + ":\n" + node.tail());
    }

    /** kill -9: the node gets no chance to release anything. */
    public static void kill(Node node) throws InterruptedException {
        node.process().destroyForcibly();
        if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(node + " outlived SIGKILL for 30 s");
        }
    }

    /**
     * SIGTERM, as an orchestrator scales a side down: the node shuts down cleanly (a query node
     * releases its claims); SIGKILL if it is still there after 30 s.
     */
    public static void stop(Node node) throws InterruptedException {
        node.process().destroy();
        if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
            node.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Stops every node still running: SIGTERM, then SIGKILL for those still there after 20 s. */
    @Override
    public synchronized void close() throws InterruptedException {
        for (Node node : nodes) {
            node.process().destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Node node : nodes) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !node.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                node.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
    }

    private synchronized void killAll() {
        nodes.forEach(node -> node.process().destroyForcibly());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
