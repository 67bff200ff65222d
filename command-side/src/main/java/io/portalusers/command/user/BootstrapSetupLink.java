package io.portalusers.command.user;

import io.portalusers.platform.security.LinkToken;
import io.portalusers.api.UserId;
import io.portalusers.platform.PlatformEnvironment;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Embedded default only: the bootstrap Portal Admin's account setup link, shown at the first
 * start beside its token, so that a newcomer sets a password and signs in at once. It is
 * written to the console (standard output, not the logging system: an activation token is
 * never written to a log file) and to {@code <data-dir>/admin-setup.link} (readable by its
 * owner only). Once the transaction that issued it committed: an invitation rolled back has no
 * link. The link works once and expires like any other.
 */
@Component
@ConditionalOnProperty(name = PlatformEnvironment.EMBEDDED, havingValue = "true")
class BootstrapSetupLink {

    private final UserId bootstrapAdmin;
    private final String linkTemplate;
    private final String language;
    private final Path file;
    private final PrintStream console;

    BootstrapSetupLink(@Value("${portal.bootstrap-admin.id}") String bootstrapAdmin,
                       @Value("${portal.mail.account-setup-link}") String linkTemplate,
                       @Value("${portal.bootstrap-admin.language:en}") String language,
                       @Value("${portal.embedded.data-dir}") Path dataDir) {
        this.bootstrapAdmin = UserId.of(bootstrapAdmin);
        this.linkTemplate = linkTemplate;
        this.language = language;
        this.file = dataDir.resolve("admin-setup.link");
        this.console = System.out;
    }

    void issued(UserId user, LinkToken token) {
        if (!bootstrapAdmin.equals(user)) {
            return;
        }
        // as in the invitation's email: the page opens in the admin's language
        String link = linkTemplate.replace("{token}", token.value()).replace("{lang}", language);
        Runnable show = () -> show(link);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    show.run();
                }
            });
        } else {
            show.run();
        }
    }

    private void show(String link) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, link + System.lineSeparator());
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the folder's own permissions apply
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        console.printf("%nEmbedded default: set the bootstrap Portal Admin's password with this one-time link (also in %s):%n"
                + "%s%n(open it in a browser, then sign in at /console)%n%n", file.toAbsolutePath(), link);
    }
}
