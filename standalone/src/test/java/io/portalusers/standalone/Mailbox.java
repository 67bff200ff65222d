package io.portalusers.standalone;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real SMTP server in the test JVM (GreenMail) on a port of its own, which a test can stop
 * and start again on that port, and what it received, by recipient.
 */
final class Mailbox {

    /** The links of the standalone jar's default (the console's pages), or the API's where a test points them there. */
    private static final Pattern LINK = Pattern.compile("https?://\\S+/(?:console|api)/account-setup/([A-Za-z0-9_-]+)");
    private static final Pattern RESET_LINK = Pattern.compile("https?://\\S+/(?:console/password-reset|api/password-resets)/([A-Za-z0-9_-]+)");

    final int port;
    private GreenMail server;

    private Mailbox(int port) {
        this.port = port;
    }

    static Mailbox start() {
        Mailbox mailbox = new Mailbox(freePort());
        mailbox.up();
        return mailbox;
    }

    synchronized void up() {
        if (server == null) {
            ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
            // GreenMail's 2 s to bind failed once on a machine busy with a benchmark, when started
            // again on its port right after a stop
            setup.setServerStartupTimeout(15_000);
            server = new GreenMail(setup);
            server.start();
        }
    }

    /**
     * Makes the mailbox of {@code address} before any email to it comes. GreenMail makes it at the
     * first delivery otherwise, and two deliveries to a new address at once (an email sent again by
     * the node that takes over from a killed one, while the killed one's is still being received)
     * can both try, leaving that address unable to receive anything (GreenMail's issue 598).
     */
    synchronized void expect(String address) {
        if (server != null) {
            server.setUser(address, address);
        }
    }

    /** Stops the server: nothing listens on its port until {@link #up()}; what it received is forgotten. */
    synchronized void down() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** Every message received, in the order they came. */
    synchronized List<MimeMessage> all() {
        return server == null ? List.of() : List.of(server.getReceivedMessages());
    }

    /** Every message received for {@code address}, in the order they came. */
    synchronized List<MimeMessage> to(String address) {
        if (server == null) {
            return List.of();
        }
        return Arrays.stream(server.getReceivedMessages()).filter(m -> isFor(m, address)).toList();
    }

    /** Waits until {@code address} has received {@code count} messages, and answers them. */
    List<MimeMessage> await(String address, int count) {
        // generous: an earlier test may leave a backlog of emails (the registration enumeration test writes 2,000) ahead in the queue
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> to(address).size() >= count);
        List<MimeMessage> received = to(address);
        assertThat(received).as("messages to %s", address).hasSize(count);
        return received;
    }

    /** The token of the activation link in the latest message to {@code address}, after {@code count} arrived. */
    String awaitToken(String address, int count) {
        List<MimeMessage> received = await(address, count);
        return token(received.get(count - 1));
    }

    static String token(MimeMessage message) {
        Matcher link = LINK.matcher(part(message, "text/plain"));
        assertThat(link.find()).as("an activation link in the text").isTrue();
        return link.group(1);
    }

    /** The token of the password reset link in the latest message to {@code address}, after {@code count} arrived. */
    String awaitResetToken(String address, int count) {
        List<MimeMessage> received = await(address, count);
        return resetToken(received.get(count - 1));
    }

    static String resetToken(MimeMessage message) {
        Matcher link = RESET_LINK.matcher(part(message, "text/plain"));
        assertThat(link.find()).as("a password reset link in the text").isTrue();
        return link.group(1);
    }

    /** The content of the message's part of {@code type} (text/plain, text/html). */
    static String part(MimeMessage message, String type) {
        try {
            MimeMultipart alternatives = (MimeMultipart) message.getContent();
            for (int i = 0; i < alternatives.getCount(); i++) {
                BodyPart part = alternatives.getBodyPart(i);
                if (part.isMimeType(type)) {
                    return (String) part.getContent();
                }
            }
            throw new AssertionError("no " + type + " part");
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isFor(MimeMessage message, String address) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                    .anyMatch(a -> a.toString().equalsIgnoreCase(address));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
