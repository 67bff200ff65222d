package io.portalusers.identity;

import io.portalusers.platform.schema.ModuleSchema;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The identity module's tables: its scripts in {@code db/identity}, its history in
 * {@code identity_schema_history}, migrated last (its code reads the command side's
 * credential and lookups) and only where sign-in runs. It never had tables in the legacy
 * history: on any database without its history, its V1 runs.
 */
@Configuration(proxyBeanMethods = false)
@OnSignIn
class IdentitySchema {

    @Bean
    ModuleSchema identityModuleSchema() {
        return new ModuleSchema("identity", "classpath:db/identity", "identity_schema_history", 30, false);
    }
}
