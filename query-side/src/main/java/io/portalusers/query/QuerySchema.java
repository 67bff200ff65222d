package io.portalusers.query;

import io.portalusers.platform.schema.ModuleSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The query side's tables (its views, search support, report counts) and its report views:
 * scripts in {@code db/query}, history in {@code query_schema_history}, migrated after the
 * platform's (and the command side's, where both run) wherever the query side runs.
 */
@Configuration(proxyBeanMethods = false)
class QuerySchema {

    @Bean
    ModuleSchema queryModuleSchema() {
        return new ModuleSchema("query", "classpath:db/query", "query_schema_history", 20, true);
    }
}
