package io.portalusers.platform.axon;

import io.portalusers.platform.privacy.PrivacyConfiguration;
import org.axonframework.axonserver.connector.AxonServerConnectionManager;
import org.axonframework.axonserver.connector.command.AxonServerCommandBus;
import org.axonframework.axonserver.connector.event.axon.AxonServerEventStore;
import org.axonframework.axonserver.connector.query.AxonServerQueryBus;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.queryhandling.QueryBus;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.axonframework.springboot.autoconfig.AxonAutoConfiguration;
import org.axonframework.springboot.autoconfig.AxonServerAutoConfiguration;
import org.axonframework.springboot.autoconfig.AxonServerBusAutoConfiguration;
import org.axonframework.springboot.autoconfig.AxonTimeoutAutoConfiguration;
import org.axonframework.springboot.autoconfig.AxonTracingAutoConfiguration;
import org.axonframework.springboot.autoconfig.EventProcessingAutoConfiguration;
import org.axonframework.springboot.autoconfig.InfraConfiguration;
import org.axonframework.springboot.autoconfig.InterceptorAutoConfiguration;
import org.axonframework.springboot.autoconfig.JdbcAutoConfiguration;
import org.axonframework.springboot.autoconfig.ObjectMapperAutoConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one switch between the JDBC event store and Axon Server ({@code axon.axonserver.enabled}),
 * wired by Axon's Spring Boot auto-configuration and {@link AxonConfiguration}: on, Axon Server's
 * command bus, query bus and event store, and no event storage engine of ours; off, the JDBC
 * engine under Axon's embedded event store and the local buses. The token store is JDBC either
 * way. Axon Server is a loopback port where nothing listens, and the database one too: neither
 * is connected to while the context is built (the connector connects in the background and
 * retries), so the test is bounded by its timeout, not by a connection attempt.
 */
@Timeout(60)
class AxonServerSwitchTest {

    private static int nothingListens;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    JacksonAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
                    org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration.class,
                    ObjectMapperAutoConfiguration.class, AxonAutoConfiguration.class, AxonTimeoutAutoConfiguration.class,
                    InfraConfiguration.class, InterceptorAutoConfiguration.class, EventProcessingAutoConfiguration.class,
                    JdbcAutoConfiguration.class, org.axonframework.springboot.autoconfig.TransactionAutoConfiguration.class,
                    AxonTracingAutoConfiguration.class, AxonServerAutoConfiguration.class,
                    AxonServerBusAutoConfiguration.class))
            .withInitializer(context -> context.getBeanFactory() // durations in settings, as an application reads them
                    .setConversionService(ApplicationConversionService.getSharedInstance()))
            // the JDBC engine seals reasons with the privacy configuration's cipher, as in the application
            .withUserConfiguration(AxonConfiguration.class, PrivacyConfiguration.class)
            .withBean(DataSource.class, () -> new DriverManagerDataSource(
                    "jdbc:postgresql://127.0.0.1:" + nothingListens + "/portal_users"))
            .withPropertyValues(
                    "axon.serializer.general=jackson", "axon.serializer.events=jackson", "axon.serializer.messages=jackson",
                    "portal.events.gap-timeout=60s", "portal.events.wake-interval=100ms", "portal.events.poll-interval=100ms",
                    "portal.privacy.master-key=" + java.util.Base64.getEncoder().encodeToString(new byte[32]),
                    "portal.privacy.key-cache-ttl=30s", "portal.privacy.key-cache-size=10",
                    "axon.axonserver.servers=127.0.0.1:" + nothingListens);

    @BeforeAll
    static void freeLoopbackPort() throws IOException {
        // the application turns Axon's usage reporting off in its environment post-processor, which does not run here
        System.setProperty("axoniq.update-checker.disabled", "true");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = socket.getLocalPort();
        }
    }

    @Test
    void on_axon_server_carries_commands_queries_and_events_and_our_jdbc_engine_is_not_made() {
        runner.withPropertyValues("axon.axonserver.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(AxonServerConnectionManager.class);
            assertThat(context.getBean(CommandBus.class)).isInstanceOf(AxonServerCommandBus.class);
            assertThat(context.getBean(QueryBus.class)).isInstanceOf(AxonServerQueryBus.class);
            assertThat(context.getBean(EventStore.class)).isInstanceOf(AxonServerEventStore.class);
            assertThat(context.getBean(EventBus.class)).isInstanceOf(AxonServerEventStore.class);
            assertThat(context).doesNotHaveBean(EventStorageEngine.class);
            assertThat(context).doesNotHaveBean("eventStorageEngine");
            // the projections keep committing their tokens with their rows
            assertThat(context.getBean(TokenStore.class)).isInstanceOf(JdbcTokenStore.class);
        });
    }

    @Test
    void off_the_jdbc_engine_stores_the_events_and_the_buses_are_local() {
        runner.withPropertyValues("axon.axonserver.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(AxonServerConnectionManager.class);
            assertThat(context.getBean(CommandBus.class)).isInstanceOf(SimpleCommandBus.class);
            assertThat(context.getBean(QueryBus.class)).isInstanceOf(SimpleQueryBus.class);
            assertThat(context.getBean(EventStore.class)).isInstanceOf(EmbeddedEventStore.class);
            assertThat(context).getBean("eventStorageEngine").isInstanceOf(JdbcEventStorageEngine.class);
            assertThat(context).hasSingleBean(EventStorageEngine.class);
            assertThat(context.getBean(TokenStore.class)).isInstanceOf(JdbcTokenStore.class);
        });
    }
}
