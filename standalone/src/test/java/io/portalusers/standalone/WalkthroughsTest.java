package io.portalusers.standalone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walkthroughs in docs/ stay true: every {@code sh} block of each, in order, runs as one
 * {@code bash -euo pipefail} script against the standalone service on its embedded defaults,
 * as a reader pastes them. The service runs in a fresh folder, on a free port; the scripts run
 * in the folder that holds its {@code data} folder (so {@code data/admin.token} and
 * {@code ./data/mail} are where the docs say), with {@code localhost:8080} turned into that
 * port, which is the only change made to them. The docs check what they show (curl -sf, or a
 * grep that fails when an answer lacks what the comment names), so a step that no longer
 * answers as written fails its script, and with it this test.
 *
 * <p>All three run on one service, one after the other: each makes its data under names of
 * its own, as a reader following all of them on one service would. Blocks that cannot run here
 * (a database or Docker of their own, Maven) are fenced as {@code console}, each with its reason
 * in the text.
 */
class WalkthroughsTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```$");

    @TempDir
    static Path folder;
    private static ConfigurableApplicationContext service;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        port = freePort();
        // the port is given, not 0, so that the links in emails (localhost:${server.port}) work
        service = new SpringApplicationBuilder(PortalUsersApplication.class).run(
                "--server.port=" + port,
                "--portal.embedded.data-dir=" + folder.resolve("data"),
                // thrown away after the class: speed over durability; nothing else differs
                // from what `java -jar standalone/target/portal-users.jar` starts
                "--portal.embedded.durable=false");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void the_portal_developers_walkthrough_runs_as_written() throws Exception {
        run("portal-developers.md");
    }

    @Test
    void the_auditors_walkthrough_runs_as_written() throws Exception {
        run("auditors.md");
    }

    @Test
    void the_operators_walkthrough_runs_as_written() throws Exception {
        run("operators.md");
    }

    @Test
    void no_shell_block_in_the_docs_escapes_the_run_by_another_fence() throws IOException {
        // a ```bash or ```shell block would be shown as a command but never run here
        for (Path doc : markdownFiles()) {
            for (String line : Files.readAllLines(doc)) {
                assertThat(line.strip()).as(doc + ": fence run blocks as sh, the others as console")
                        .doesNotMatch("```\\s*(bash|shell|zsh)\\s*");
            }
        }
    }

    @Test
    void links_between_the_documents_point_at_files_and_headings_that_exist() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
        List<String> broken = new ArrayList<>();
        for (Path doc : markdownFiles()) {
            Matcher m = link.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http(s), mailto: not ours to check
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path linked = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(doc + ": " + target + " (no such file)");
                } else if (anchor != null && !anchors(linked).contains(anchor)) {
                    broken.add(doc + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    private static void run(String name) throws Exception {
        Path doc = DOCS.resolve(name);
        Matcher blocks = SH_BLOCK.matcher(Files.readString(doc));
        StringBuilder script = new StringBuilder();
        int count = 0;
        while (blocks.find()) {
            script.append(blocks.group(1)).append('\n');
            count++;
        }
        assertThat(count).as(name + " has sh blocks to run").isPositive();
        Path file = folder.resolve(name.replace(".md", ".sh"));
        Files.writeString(file, script.toString().replace("localhost:8080", "localhost:" + port));
        Path log = Files.createDirectories(Path.of("target", "walkthroughs")).resolve(name.replace(".md", ".log"));

        ProcessBuilder bash = new ProcessBuilder("bash", "-x", "-euo", "pipefail", file.toString())
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = bash.environment();
        // curl must call the service itself: a proxy would both leave the machine and be refused
        for (String proxy : List.of("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")) {
            env.remove(proxy);
        }
        env.put("no_proxy", "*");
        env.put("NO_PROXY", "*");
        // the docs' `curl -s` stays quiet for a reader; in the log a failing call says why
        // (its HTTP status or connection error), read from this .curlrc
        Files.writeString(folder.resolve(".curlrc"), "show-error\n");
        env.put("CURL_HOME", folder.toString());
        Process process = bash.start();
        boolean ended = process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = tail(Files.readString(log, StandardCharsets.UTF_8), 60);
        assertThat(ended).as("%s ended within %s; the end of its output (all of it in %s):%n%s",
                name, SCRIPT_TIMEOUT, log.toAbsolutePath(), output).isTrue();
        assertThat(process.exitValue()).as("%s ran to its end; the end of its output (all of it in %s):%n%s",
                name, log.toAbsolutePath(), output).isZero();
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("..", "README.md"), Path.of("..", "benchmarks", "README.md")));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    /** The anchors GitHub gives the headings of {@code doc}. */
    private static Set<String> anchors(Path doc) throws IOException {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase();
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        StringBuilder end = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            end.append(all[i].length() > 400 ? all[i].substring(0, 400) + "..." : all[i]).append('\n');
        }
        return end.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
