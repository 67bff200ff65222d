package io.portalusers.platform.axon;

import io.portalusers.platform.StartupRequirement;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.saga.repository.jdbc.PostgresSagaSqlSchema;
import org.axonframework.modelling.saga.repository.jdbc.SagaSqlSchema;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static io.portalusers.platform.request.RequestMetadata.ACTOR_ID;
import static io.portalusers.platform.request.RequestMetadata.CORRELATION_ID;
import static io.portalusers.platform.request.RequestMetadata.REASON;
import static io.portalusers.platform.request.RequestMetadata.SOURCE_ADDRESS;

@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

    /** Segments split a projection's work across threads and nodes; more than the cores buys nothing here. */
    static final int PROJECTION_SEGMENTS = 4;
    /**
     * Events per projection transaction: large enough for fast replays, small enough for short
     * transactions. A module configures a processor of its own otherwise where it needs to (with
     * {@code registerPooledStreamingEventProcessorConfiguration}, applied after this default).
     */
    static final int PROJECTION_BATCH_SIZE = 100;
    /**
     * Rows per read of the event log by a processor behind the head (and per page of an
     * aggregate's events). Axon's default of 100 makes a replay a chain of small queries, and
     * hands each segment's batch only a few events.
     */
    static final int EVENT_FETCH_SIZE = 1_000;

    /**
     * The web's mapper: strict, as spring.jackson.* says, and taking each JSON type only where
     * the OpenAPI document says it: no number or boolean read as a string, no string as a
     * number or boolean (a client that sends {@code 42} for a name has a bug worth a 400).
     */
    @Bean
    @Primary
    ObjectMapper objectMapper(Jackson2ObjectMapperBuilder builder) {
        ObjectMapper mapper = builder.createXmlMapper(false)
                .featuresToDisable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
        mapper.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
                .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        return mapper;
    }

    /**
     * The event log's mapper: a tolerant reader, so that an event stored before a field was
     * removed still reads, and that reads an erased person's username and email as erased
     * ({@link ErasedValues}). Axon picks it by this bean name.
     */
    @Bean("defaultAxonObjectMapper")
    ObjectMapper defaultAxonObjectMapper() {
        return JsonMapper.builder()
                .findAndAddModules()
                .addModule(new ErasedValues())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /** Copies who, why and which request from each command onto the events it causes. */
    @Bean
    CorrelationDataProvider requestMetadataProvider() {
        return new SimpleCorrelationDataProvider(ACTOR_ID, CORRELATION_ID, REASON, SOURCE_ADDRESS);
    }

    /**
     * Axon's JDBC event store as its auto-configuration builds it, reading {@link #EVENT_FETCH_SIZE}
     * rows at a time and every event through the configuration's upcaster chain (so through
     * {@link #renamedEvents}). Not with Axon Server, which then stores the events itself.
     * Its gap timeout is {@code portal.events.gap-timeout}, which {@link EventAppendBound} checks
     * the appends' bound against. The reasons given with commands are stored sealed
     * ({@link ReasonSealingEventStorageEngine}).
     */
    @Bean
    @ConditionalOnProperty(name = "axon.axonserver.enabled", havingValue = "false")
    EventStorageEngine eventStorageEngine(@Qualifier("serializer") Serializer serializer,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          PersistenceExceptionResolver persistenceExceptionResolver,
                                          org.axonframework.config.Configuration configuration,
                                          ConnectionProvider connectionProvider, TransactionManager transactionManager,
                                          @Value("${portal.events.gap-timeout}") Duration gapTimeout,
                                          ReasonSealer reasons) {
        return new ReasonSealingEventStorageEngine(JdbcEventStorageEngine.builder()
                .snapshotSerializer(serializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .eventSerializer(eventSerializer)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(new EventSchema())
                .batchSize(EVENT_FETCH_SIZE)
                .gapTimeout(Math.toIntExact(gapTimeout.toMillis())), reasons);
    }

    /**
     * Axon's embedded event store, as its auto-configuration builds it, but with streams that call
     * the processors back when events arrive ({@link CallingBackEventStore}, at most every
     * {@code portal.events.wake-interval}), and reading the log for events appended by other nodes
     * every {@code portal.events.poll-interval} instead of every second: the query side's
     * processors learn of them no later than that. Each look is one indexed query past the newest
     * event read. Not with Axon Server, which pushes events to every node and calls back itself.
     */
    @Qualifier("eventStore")
    @Bean(name = "eventBus")
    @ConditionalOnProperty(name = "axon.axonserver.enabled", havingValue = "false")
    CallingBackEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration,
                                     @Value("${portal.events.poll-interval}") Duration pollInterval,
                                     @Value("${portal.events.wake-interval}") Duration wakeInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new StartupRequirement("portal.events.poll-interval is " + pollInterval + ".",
                    "Set portal.events.poll-interval to a positive duration (100ms by default).");
        }
        return new CallingBackEventStore(EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                .fetchDelay(pollInterval.toMillis()), wakeInterval);
    }

    /**
     * Events stored under a class's former name read as the class it has now. Axon's Spring Boot
     * support registers every EventUpcaster bean with the configuration, whose upcaster chain the
     * event store above reads through: aggregates being loaded and every streaming processor
     * alike (with Axon Server too, whose event store reads through the same chain).
     */
    @Bean
    EventUpcaster renamedEvents() {
        return new RenamedEvents();
    }

    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new PostgresDuplicateKeyResolver();
    }

    @Bean
    SagaSqlSchema sagaSqlSchema() {
        return new PostgresSagaSqlSchema();
    }

    @Bean(destroyMethod = "shutdown")
    ScheduledExecutorService commandRetryExecutor() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "command-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Two nodes may append to one aggregate at once; the event store refuses the loser with a
     * ConcurrencyException, which is retried (each node has its own command bus, so without Axon
     * Server two nodes can handle commands for one aggregate at once). A stale If-Match
     * (ConflictingAggregateVersionException) and every other failure are final.
     */
    @Bean
    CommandGateway commandGateway(CommandBus commandBus,
                                  @Qualifier("commandRetryExecutor") ScheduledExecutorService commandRetryExecutor) {
        return DefaultCommandGateway.builder()
                .commandBus(commandBus)
                .dispatchInterceptors(new RequestMetadataInterceptor())
                .retryScheduler(IntervalRetryScheduler.builder()
                        .retryExecutor(commandRetryExecutor)
                        .retryInterval(25)
                        .maxRetryCount(5)
                        .nonTransientFailurePredicate(AxonConfiguration::isFinal)
                        .build())
                .build();
    }

    /**
     * Axon asks this of the failure and of each of its causes; only an append that lost a race
     * (and the driver's exception beneath it) is worth another try.
     */
    private static boolean isFinal(Throwable failure) {
        return !(failure.getClass() == ConcurrencyException.class || failure instanceof SQLException);
    }

    /**
     * A handler that fails must never be skipped: subscribing handlers roll the command back
     * (Axon's default handler logs and swallows the error, so a violated unique lookup would be
     * answered as a success while nothing was stored), streaming processors retry the batch.
     */
    @Autowired
    void propagateHandlerErrors(EventProcessingConfigurer processing) {
        processing.registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
        processing.usingPooledStreamingEventProcessors((configuration, builder) -> builder
                .initialSegmentCount(PROJECTION_SEGMENTS)
                .batchSize(PROJECTION_BATCH_SIZE));
    }
}
