package io.portalusers.query.notifier;

import jakarta.mail.internet.MimeMessage;

import java.util.List;
import java.util.Map;

/** Where written emails go: an SMTP server, or (embedded default) a folder of .eml files. */
interface MailTransport {

    /**
     * Sends {@code messages} (over one connection where there is one) and answers the
     * failures by message; every message without one was accepted.
     */
    Map<MimeMessage, Exception> send(List<MimeMessage> messages);

    /** Where emails go, for the log: never a password. */
    String describe();
}
