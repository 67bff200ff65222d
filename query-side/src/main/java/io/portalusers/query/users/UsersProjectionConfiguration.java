package io.portalusers.query.users;

import org.axonframework.config.EventProcessingConfigurer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;

/**
 * The users projection's processor. It folds a batch in memory and writes it once
 * ({@link UsersProjection}), so a larger batch than the platform's default makes its replay
 * faster; live, a batch takes only what is there, so latency does not suffer. The size is
 * {@code portal.projections.users.batch-size} (default in {@code query-side-defaults.properties}).
 */
@Configuration(proxyBeanMethods = false)
class UsersProjectionConfiguration {

    @Autowired
    void usersBatchSize(EventProcessingConfigurer processing,
                        @Value("${portal.projections.users.batch-size}") int batchSize) {
        processing.registerPooledStreamingEventProcessorConfiguration(UsersProjection.NAME,
                (configuration, builder) -> builder.batchSize(batchSize));
    }
}
