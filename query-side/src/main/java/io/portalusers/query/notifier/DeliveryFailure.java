package io.portalusers.query.notifier;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;

import java.util.Collections;
import java.util.Deque;
import java.util.LinkedList;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Why a delivery failed, and whether trying again can help. A mail server's 5xx answer to
 * the recipient or to the message (RFC 5321: "permanent negative completion"), or an
 * address that cannot be written, is final; everything else (no connection, a timeout, 4xx
 * answers, a refused sender or login, which are the operator's to fix) is transient. The
 * description never holds an address or a server's free text, which may quote one.
 */
record DeliveryFailure(boolean permanent, String description) {

    static DeliveryFailure of(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> causes = new LinkedList<>();
        causes.add(failure);
        Throwable root = failure;
        while (!causes.isEmpty()) {
            Throwable cause = causes.poll();
            if (cause == null || !seen.add(cause)) {
                continue;
            }
            root = cause;
            if (cause instanceof SMTPAddressFailedException rejected) {
                return smtp(rejected.getReturnCode(), "recipient refused");
            }
            if (cause instanceof SMTPSendFailedException refused) {
                return smtp(refused.getReturnCode(), "message refused");
            }
            if (cause instanceof AddressException || cause instanceof MailParseException
                    || cause instanceof MailPreparationException) {
                return new DeliveryFailure(true, "address or message cannot be written");
            }
            if (cause instanceof MailSendException send) {
                causes.addAll(send.getFailedMessages().values());
            }
            if (cause instanceof MessagingException messaging) {
                causes.add(messaging.getNextException());
            }
            causes.add(cause.getCause());
        }
        return new DeliveryFailure(false, "transient: " + root.getClass().getSimpleName());
    }

    private static DeliveryFailure smtp(int code, String what) {
        return new DeliveryFailure(code >= 500 && code < 600, "SMTP " + code + " " + what);
    }
}
