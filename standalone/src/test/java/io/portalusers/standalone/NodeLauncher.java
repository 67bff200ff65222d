package io.portalusers.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The main class of a node that {@link NodeHarness} starts as a child JVM: it runs the given
 * application class's {@code main}, and halts the JVM once its standard input ends, which is
 * when the test JVM that holds the other end of that pipe exits, however it exits. So a test
 * JVM killed itself leaves no node running.
 */
public final class NodeLauncher {

    private NodeLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Thread watcher = new Thread(() -> {
            try (InputStream parent = System.in) {
                while (parent.read() >= 0) {
                    // nothing is sent; the stream ends with the parent
                }
            } catch (IOException e) {
                // a broken pipe means the same
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
        Class.forName(args[0]).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
