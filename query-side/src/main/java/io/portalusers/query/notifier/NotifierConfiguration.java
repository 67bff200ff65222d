package io.portalusers.query.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.portalusers.platform.PeriodicTask;
import io.portalusers.platform.PlatformEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The notifier's parts. Emails go to the SMTP server of {@code spring.mail.host} when one is
 * set; otherwise, on the embedded default, to {@code <data-dir>/mail} as .eml files. With
 * neither, emails are still written to the outbox and wait there (nothing is lost), and the
 * start-up log says so.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotifierProperties.class)
class NotifierConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NotifierConfiguration.class);

    @Bean
    MailComposer mailComposer(NotifierProperties properties) {
        return new MailComposer(properties);
    }

    @Bean
    MailDispatcher mailDispatcher(MailOutbox outbox, MailComposer composer, NotifierProperties properties,
                                  ObjectProvider<JavaMailSenderImpl> smtp, Environment environment,
                                  MeterRegistry meters) {
        MailTransport transport = transport(smtp.getIfAvailable(), environment);
        if (transport == null) {
            log.warn("No mail server is configured (spring.mail.host): emails wait in the outbox until one is");
            return null;
        }
        return new MailDispatcher(outbox, composer, transport, properties, Clock.systemUTC(), meters);
    }

    /** A dispatch round every {@code portal.mail.poll-interval}, where there is a dispatcher. */
    @Bean
    PeriodicTask mailDispatchRounds(ObjectProvider<MailDispatcher> dispatcher, NotifierProperties properties) {
        MailDispatcher rounds = dispatcher.getIfAvailable();
        return rounds == null ? null
                : new PeriodicTask("mail-dispatcher", properties.pollInterval(), properties.pollInterval(), rounds::dispatch);
    }

    private static MailTransport transport(JavaMailSenderImpl smtp, Environment environment) {
        if (smtp != null) {
            return new SmtpTransport(smtp);
        }
        if (environment.getProperty(PlatformEnvironment.EMBEDDED, Boolean.class, false)) {
            return new DirectoryTransport(Path.of(environment.getRequiredProperty("portal.embedded.data-dir"), "mail"));
        }
        return null;
    }
}
