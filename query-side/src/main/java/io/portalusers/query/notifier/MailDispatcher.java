package io.portalusers.query.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends what the outbox holds: claims due emails, writes each (an email with a link with its
 * token, read at this moment), hands it to the transport, and records the
 * outcome. Transient failures are tried again with back-off; permanent ones, and failures
 * after {@code giveUpAfter}, end as FAILED, which the users view and the metrics show.
 *
 * <p>Each email is recorded as sent in its own transaction as soon as the server accepted it,
 * before the next one goes over the same connection. Delivery is at least once, but only just:
 * a node that dies between the server's acceptance and that transaction leaves the one email
 * in flight (one per dispatcher: a node runs one) under a claim that expires, and it goes again
 * with the same Message-ID. Nothing is lost; no email is written twice from one event.
 */
public class MailDispatcher {

    private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);
    private static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(10);

    private final MailOutbox outbox;
    private final MailComposer composer;
    private final MailTransport transport;
    private final NotifierProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    /** Written by the dispatch rounds only, which run one at a time. */
    private volatile Unsettled unsettled;
    private final AtomicReference<Counts> counts = new AtomicReference<>(new Counts(Map.of(), Instant.EPOCH));

    MailDispatcher(MailOutbox outbox, MailComposer composer, MailTransport transport, NotifierProperties properties,
                   Clock clock, MeterRegistry meters) {
        this.outbox = outbox;
        this.composer = composer;
        this.transport = transport;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        for (String status : List.of(MailOutbox.PENDING, MailOutbox.FAILED)) {
            Gauge.builder("portal.mail.outbox", () -> count(status))
                    .description("Emails waiting to be sent (PENDING, retries included) or failed for good (FAILED)")
                    .tag("status", status)
                    .register(meters);
        }
        log.info("Emails go to the {}", transport.describe());
    }

    /**
     * One round: first what an earlier round could not record, then every due email, in
     * claimed batches, until none is due or the server is out of reach.
     */
    public void dispatch() {
        settle();
        List<OutgoingMail> due;
        do {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS); // as the outbox keeps it, to find the claim again
            Instant claimedUntil = now.plus(properties.claim());
            due = outbox.claim(properties.batchSize(), claimedUntil, now);
            if (!deliver(due, claimedUntil)) {
                return; // the rest wait for the next round, untried
            }
        } while (due.size() == properties.batchSize());
    }

    /**
     * Writes a claimed batch and sends it over one connection, one email at a time, recording
     * each outcome as soon as it is known: an email the server accepted is recorded as sent (its
     * token released) in a transaction of its own before the next one goes, so a node killed
     * mid-batch leaves at most the one email in flight accepted but unrecorded. False when a
     * transient failure says the server is out of reach for now.
     *
     * <p>When the database goes away part-way, the batch stops there, and what it did is kept
     * here (the email the server took, emails claimed but not sent) and recorded by the next
     * round that reaches the database, before it claims anything: an email the server took is not
     * sent again when its claim runs out, and one that was not sent does not wait for its claim to
     * run out. Nothing is marked failed for the database's sake. (Only an outage longer than the
     * claim leaves the email the server took to another dispatcher, which sends it again: at least
     * once.)
     */
    private boolean deliver(List<OutgoingMail> batch, Instant claimedUntil) {
        List<OutgoingMail> open = new ArrayList<>(batch); // claimed, neither sent nor settled
        List<OutgoingMail> sent = new ArrayList<>(); // taken by the server, not recorded yet
        try {
            Map<MimeMessage, OutgoingMail> written = new LinkedHashMap<>();
            for (OutgoingMail mail : batch) {
                String token = null;
                if (mail.kind().carriesToken()) {
                    token = outbox.token(mail).orElse(null);
                    if (token == null) {
                        outbox.superseded(mail);
                        open.remove(mail);
                        count(mail, "superseded");
                        continue;
                    }
                }
                try {
                    written.put(composer.compose(mail, token), mail);
                } catch (MessagingException | RuntimeException e) {
                    failed(mail, DeliveryFailure.of(e));
                    open.remove(mail);
                }
            }
            if (written.isEmpty()) {
                return true;
            }
            boolean reachable = true;
            try (MailTransport.Connection connection = transport.open()) {
                for (Map.Entry<MimeMessage, OutgoingMail> message : written.entrySet()) {
                    OutgoingMail mail = message.getValue();
                    try {
                        connection.send(message.getKey());
                    } catch (MailTransport.Unreachable e) {
                        // nothing more of this batch can go: each waits for its retry, as a failed batch send left them
                        DeliveryFailure why = DeliveryFailure.of(e);
                        for (OutgoingMail unsent : List.copyOf(open)) {
                            failed(unsent, why);
                            open.remove(unsent);
                        }
                        return false;
                    } catch (MessagingException | RuntimeException e) {
                        DeliveryFailure why = DeliveryFailure.of(e);
                        reachable &= why.permanent();
                        failed(mail, why);
                        open.remove(mail);
                        continue;
                    }
                    open.remove(mail);
                    sent.add(mail);
                    outbox.sent(List.of(mail), clock.instant());
                    sent.clear();
                    count(mail, "sent");
                }
            }
            return reachable;
        } catch (RuntimeException e) { // the outbox's, so the database's: the transport's failures are caught above
            unsettled = new Unsettled(List.copyOf(sent), List.copyOf(open), claimedUntil);
            log.warn("The outbox is out of reach ({}); {} sent and {} unsent emails of the batch are recorded once it is back",
                    e.getClass().getSimpleName(), sent.size(), open.size());
            throw e;
        }
    }

    /** Records what a round cut short by the database could not; throws while the database is still away. */
    private void settle() {
        Unsettled earlier = unsettled;
        if (earlier == null) {
            return;
        }
        outbox.sent(earlier.sent(), clock.instant());
        outbox.release(earlier.unsent(), earlier.claimedUntil());
        unsettled = null;
        earlier.sent().forEach(mail -> count(mail, "sent"));
        log.info("Recorded {} sent and released {} unsent emails of a round the database cut short",
                earlier.sent().size(), earlier.unsent().size());
    }

    /** Emails of a batch cut short: handed to the server but not recorded as sent, and claimed but not sent. */
    private record Unsettled(List<OutgoingMail> sent, List<OutgoingMail> unsent, Instant claimedUntil) {
    }

    private void failed(OutgoingMail mail, DeliveryFailure failure) {
        Instant now = clock.instant();
        boolean tooLate = !now.isBefore(mail.createdAt().plus(properties.retry().giveUpAfter()));
        if (failure.permanent() || tooLate) {
            outbox.failed(mail, failure.description(), now);
            count(mail, "failed");
            log.warn("Email {} failed for good after {} attempts: {}", mail.messageId(), mail.attempts(),
                    failure.description());
        } else {
            Duration wait = properties.retry().after(mail.attempts());
            outbox.retryAt(mail, now.plus(wait), failure.description());
            count(mail, "retried");
            log.info("Email {} not delivered ({}), attempt {}; next in {}", mail.messageId(), failure.description(),
                    mail.attempts(), wait);
        }
    }

    private void count(OutgoingMail mail, String outcome) {
        outcomes.computeIfAbsent(mail.kind() + "/" + outcome, key -> Counter.builder("portal.mail.deliveries")
                        .description("Delivery attempts of emails by kind and outcome")
                        .tag("kind", mail.kind().name())
                        .tag("outcome", outcome)
                        .register(meters))
                .increment();
    }

    /** The outbox's counts, read at most every ten seconds whatever the scrape rate. */
    private double count(String status) {
        Counts current = counts.get();
        Instant now = clock.instant();
        if (current.readAt().plus(COUNTS_MAX_AGE).isBefore(now)) {
            try {
                current = new Counts(outbox.counts(), now);
                counts.set(current);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }
        return current.byStatus().getOrDefault(status, 0L);
    }

    private record Counts(Map<String, Long> byStatus, Instant readAt) {
    }
}
