package io.portalusers.platform.embedded;

import io.portalusers.api.UserId;
import io.portalusers.platform.PlatformEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Embedded default only: prints a ready token for the bootstrap Portal Admin, and keeps it in
 * {@code <data-dir>/admin.token}, so that a newcomer can call the API with curl at once.
 */
@Component
@ConditionalOnProperty(name = PlatformEnvironment.EMBEDDED, havingValue = "true")
class BootstrapTokenPrinter {

    private static final Logger log = LoggerFactory.getLogger(BootstrapTokenPrinter.class);

    private final LocalTokens tokens;
    private final UserId bootstrapAdmin;
    private final Path tokenFile;

    BootstrapTokenPrinter(LocalTokens tokens,
                          @Value("${portal.bootstrap-admin.id}") String bootstrapAdmin,
                          @Value("${portal.embedded.data-dir}") Path dataDir) {
        this.tokens = tokens;
        this.bootstrapAdmin = UserId.of(bootstrapAdmin);
        this.tokenFile = dataDir.resolve("admin.token");
    }

    @EventListener(ApplicationReadyEvent.class)
    void print() throws IOException {
        LocalTokens.IssuedToken issued = tokens.issue(bootstrapAdmin);
        Files.writeString(tokenFile, issued.token());
        log.info("""

                Embedded default: a token for the bootstrap Portal Admin, valid until {} (also in {}):
                export TOKEN={}
                """, issued.expiresAt(), tokenFile.toAbsolutePath(), issued.token());
    }
}
