package io.portalusers.platform.schema;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The platform's schema, and the migration of every module's schema this node has (see {@link ModuleMigrations}). */
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
}
