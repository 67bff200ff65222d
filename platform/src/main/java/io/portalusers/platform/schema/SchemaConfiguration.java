package io.portalusers.platform.schema;

import io.portalusers.platform.PeriodicTask;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;

/**
 * The platform's schema, the migration of every module's schema this node has (see
 * {@link ModuleMigrations}), and fresh statistics for the tables while they first fill (see
 * {@link FreshStatistics}).
 */
@Configuration(proxyBeanMethods = false)
class SchemaConfiguration {

    @Bean
    ModuleSchema platformModuleSchema() {
        return ModuleSchema.PLATFORM;
    }

    @Bean
    ModuleMigrations moduleMigrations(ObjectProvider<ModuleSchema> schemas) {
        return new ModuleMigrations(schemas.stream().toList());
    }

    @Bean
    FreshStatistics freshStatistics(JdbcTemplate jdbc,
                                    @Value("${portal.database.statistics.min-changes}") long minChanges) {
        return new FreshStatistics(jdbc, minChanges);
    }

    @Bean
    PeriodicTask freshStatisticsCheck(FreshStatistics statistics,
                                      @Value("${portal.database.statistics.check-interval}") Duration interval) {
        return new PeriodicTask("fresh-statistics", interval, interval, statistics::analyzeGrown);
    }
}
