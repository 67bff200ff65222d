package io.portalusers.query.users;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;

/**
 * The users projection's processor. It folds a batch in memory and writes it once
 * ({@link UsersProjection}), so a larger batch than the platform's default makes its replay
 * faster; live, a batch takes only what is there, so latency does not suffer. The size is
 * {@code portal.projections.users.batch-size} (default in {@code query-side-defaults.properties}).
 * Its token store is the shared one seen through {@link HoldingTokenStore}, for the rows a
 * replay holds between batches.
 */
@Configuration(proxyBeanMethods = false)
class UsersProjectionConfiguration {

    @Autowired
    void usersProcessor(EventProcessingConfigurer processing,
                        @Value("${portal.projections.users.batch-size}") int batchSize,
                        TokenStore tokens, HeldUserRows held) {
        processing.registerPooledStreamingEventProcessorConfiguration(UsersProjection.NAME,
                (configuration, builder) -> builder.batchSize(batchSize));
        processing.registerTokenStore(UsersProjection.NAME, configuration -> new HoldingTokenStore(tokens, held));
    }
}
