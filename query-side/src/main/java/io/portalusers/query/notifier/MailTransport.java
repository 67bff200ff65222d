package io.portalusers.query.notifier;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * Where written emails go: an SMTP server, or (embedded default) a folder of .eml files.
 * Emails go one at a time over a {@link Connection}, so that the dispatcher records each as
 * sent as soon as the server accepted it, while a batch still shares one connection.
 */
interface MailTransport {

    /** A connection for a batch; it connects with the first message, not here. */
    Connection open();

    /** Where emails go, for the log: never a password. */
    String describe();

    /** One connection (where there is one), one message at a time. */
    interface Connection extends AutoCloseable {

        /**
         * Hands {@code message} to the server and returns once the server accepted it.
         * Connects first if not connected (again, after a connection that broke).
         *
         * @throws Unreachable when no connection could be opened: no later message of the batch can go either
         * @throws MessagingException when the server did not accept this message
         */
        void send(MimeMessage message) throws MessagingException;

        /** Closes the connection quietly: whatever was accepted stays accepted. */
        @Override
        void close();
    }

    /** No connection to the server could be opened; its cause says why. */
    final class Unreachable extends MessagingException {

        Unreachable(Exception cause) {
            super("the mail server cannot be reached", cause);
        }
    }
}
