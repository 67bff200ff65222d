package io.portalusers.identity;

import org.flywaydb.core.Flyway;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;

/**
 * The identity module's tables, migrated by a Flyway of its own: its scripts in
 * {@code db/identity}, its history in {@code identity_schema_history}, so that its versions
 * never collide with the platform's and a node without sign-in leaves them alone.
 */
@Component
@OnSignIn
class IdentitySchema {

    IdentitySchema(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/identity")
                .table("identity_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
