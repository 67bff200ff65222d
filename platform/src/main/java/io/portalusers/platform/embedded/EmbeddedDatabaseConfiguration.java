package io.portalusers.platform.embedded;

import com.zaxxer.hikari.HikariDataSource;
import io.portalusers.platform.PlatformEnvironment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded default: a real PostgreSQL (binaries from Maven Central) whose data lives in
 * {@code <data-dir>/postgres} and survives restarts. Only when no datasource is configured.
 *
 * <p>The embedded library starts PostgreSQL with its test settings, fsync and synchronous
 * commit off: a crash of the machine (not just of the JVM) could then lose commands this
 * service had already acknowledged. {@code portal.embedded.durable} (on by default) turns them
 * back on, with full page writes; the tests switch it off for speed, since their data is
 * thrown away anyway.
 *
 * <p>Server settings under {@code portal.embedded.postgres.*} are passed to it, dashes as
 * underscores ({@code portal.embedded.postgres.shared-buffers=1GB}); the defaults give it a
 * buffer cache for a large users view instead of PostgreSQL's 128 MB.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = PlatformEnvironment.EMBEDDED, havingValue = "true")
public class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(@Value("${portal.embedded.data-dir}") Path dataDir,
                                      @Value("${portal.embedded.durable}") boolean durable,
                                      Environment environment) throws IOException {
        Path data = dataDir.resolve("postgres").toAbsolutePath();
        Files.createDirectories(data);
        StalePostmaster.stopIfAny(data);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false);
        if (durable) {
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        Binder.get(environment).bind("portal.embedded.postgres", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of())
                .forEach((setting, value) -> builder.setServerConfig(setting.replace('-', '_'), value));
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL on port {} with its data in {}", postgres.getPort(), data);
        return postgres;
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        return dataSource;
    }
}
