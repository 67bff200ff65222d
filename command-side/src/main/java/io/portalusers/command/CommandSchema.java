package io.portalusers.command;

import io.portalusers.platform.schema.ModuleSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The command side's tables (its lookups and outboxes): scripts in {@code db/command}, history
 * in {@code command_schema_history}, migrated after the platform's wherever the command side runs.
 */
@Configuration(proxyBeanMethods = false)
class CommandSchema {

    @Bean
    ModuleSchema commandModuleSchema() {
        return new ModuleSchema("command", "classpath:db/command", "command_schema_history", 10, true);
    }
}
