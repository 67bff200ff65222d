package io.portalusers.query.notifier;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * How the notifier writes and delivers emails ({@code portal.mail.*}).
 *
 * @param from              the sender of every email
 * @param accountSetupLink  the activation link, {@code {token}} standing for the invitation's token
 * @param passwordResetLink the password reset link, {@code {token}} standing for the reset's token
 * @param messageIdDomain   the right-hand side of every Message-ID
 * @param pollInterval      how often the dispatcher looks for due emails
 * @param batchSize         how many due emails one dispatcher round claims at most
 * @param claim             how long a claimed email is left to its dispatcher before another may take it
 * @param retry             when failed deliveries are tried again, and when they are given up
 * @param rejectionReason   whether the email telling a registrant of a rejection quotes the Portal Admin's reason
 */
@ConfigurationProperties("portal.mail")
public record NotifierProperties(String from, String accountSetupLink, String passwordResetLink, String messageIdDomain, Duration pollInterval,
                                 int batchSize, Duration claim, Retry retry, boolean rejectionReason) {

    /**
     * Back-off of transient failures (SMTP unreachable, 4xx answers): {@code initialInterval}
     * after the first failure, multiplied by {@code multiplier} after each further one, never
     * more than {@code maxInterval}; once an email has waited {@code giveUpAfter} since it was
     * written, its next failure is final.
     */
    public record Retry(Duration initialInterval, double multiplier, Duration maxInterval, Duration giveUpAfter) {

        Duration after(int attempts) {
            double factor = Math.pow(multiplier, Math.max(0, attempts - 1));
            double millis = Math.min(maxInterval.toMillis(), initialInterval.toMillis() * factor);
            return Duration.ofMillis((long) millis);
        }
    }
}
