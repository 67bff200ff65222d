package io.portalusers.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An SMTP server that speaks the protocol and refuses every recipient for good
 * ({@code 550 5.1.1}), as a server does for a mailbox that does not exist: the permanent
 * failure a real server gives, which GreenMail (accepting everything) cannot.
 */
final class RefusingSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool();

    RefusingSmtpServer(int port) throws IOException {
        socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        connections.submit(this::accept);
    }

    private Void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.submit(() -> converse(client));
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private Void converse(Socket client) throws IOException {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            reply(out, "220 refusing.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() < 4 ? line.toUpperCase(Locale.ROOT) : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 refusing.test");
                    case "MAIL", "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                    case "RCPT" -> reply(out, "550 5.1.1 mailbox unavailable");
                    case "DATA" -> reply(out, "554 5.5.1 no valid recipients");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return null;
                    }
                    default -> reply(out, "502 5.5.2 command not implemented");
                }
            }
        }
        return null;
    }

    private static void reply(PrintWriter out, String line) {
        out.print(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        connections.shutdownNow();
    }
}
