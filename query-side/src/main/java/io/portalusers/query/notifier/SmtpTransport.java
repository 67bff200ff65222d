package io.portalusers.query.notifier;

import jakarta.mail.internet.MimeMessage;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hands emails to the SMTP server of {@code spring.mail.*}, a batch over one connection. */
class SmtpTransport implements MailTransport {

    private final JavaMailSenderImpl sender;

    SmtpTransport(JavaMailSenderImpl sender) {
        this.sender = sender;
    }

    @Override
    public Map<MimeMessage, Exception> send(List<MimeMessage> messages) {
        try {
            sender.send(messages.toArray(MimeMessage[]::new));
            return Map.of();
        } catch (MailSendException e) {
            // a failed connection lists every message; a failure closing it, none (all were accepted)
            Map<MimeMessage, Exception> failures = new HashMap<>();
            e.getFailedMessages().forEach((message, failure) -> failures.put((MimeMessage) message, failure));
            return failures;
        } catch (MailException e) {
            Map<MimeMessage, Exception> failures = new HashMap<>();
            messages.forEach(message -> failures.put(message, e));
            return failures;
        }
    }

    @Override
    public String describe() {
        return "SMTP server " + sender.getHost() + ":" + (sender.getPort() > 0 ? sender.getPort() : 25);
    }
}
