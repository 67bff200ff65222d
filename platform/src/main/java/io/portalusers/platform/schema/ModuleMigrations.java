package io.portalusers.platform.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Every module's migrations, at start-up, as Spring Boot's Flyway migration: Boot runs this
 * strategy from its {@code FlywayMigrationInitializer}, which the JDBC templates (and with them
 * every {@code JdbcClient} user) depend on, and which is done before Axon's processors and
 * db-scheduler start (they start with the context, after every bean is made). So no module's
 * table is read or written before every module of this node has migrated. The Flyway that Boot
 * configures (from {@code spring.flyway.*}) is the template of each module's: its data source
 * and settings, with the module's location and history table.
 *
 * <p>Order: the legacy history first, if the database has one; then each {@link ModuleSchema}
 * of this node in ascending order. Databases migrated before each module had its own schema
 * have one history, {@code flyway_schema_history}, of the scripts now in {@code db/legacy}
 * (V1..V21). On such a database the legacy scripts it lacks are run first, so that it reaches
 * the legacy V21; then each module that continues it and has no history yet gets one whose
 * baseline is its V1, which describes exactly what the legacy V21 left; then every module's
 * later versions run. A fresh database never runs the legacy scripts: each module runs its V1
 * (a module's history created in a schema other modules already use starts with a baseline
 * at version 0, which Flyway requires there).
 *
 * <p>Nodes that start at once take turns: the whole sequence holds a PostgreSQL advisory lock,
 * so that no node baselines a history another is creating.
 */
public class ModuleMigrations implements FlywayMigrationStrategy {

    static final String LEGACY_LOCATION = "classpath:db/legacy";
    static final String LEGACY_HISTORY = "flyway_schema_history";
    /** The session advisory lock the migrating node holds (the report counts use 7215180018). */
    static final long LOCK = 7215180020L;

    private static final Logger log = LoggerFactory.getLogger(ModuleMigrations.class);

    private final List<ModuleSchema> schemas;

    public ModuleMigrations(List<ModuleSchema> schemas) {
        this.schemas = schemas.stream().sorted(Comparator.comparingInt(ModuleSchema::order)).toList();
        Set<Object> seen = new HashSet<>();
        for (ModuleSchema schema : this.schemas) {
            if (!seen.add(schema.order()) || !seen.add(schema.location()) || !seen.add(schema.historyTable())
                    || schema.historyTable().equals(LEGACY_HISTORY)) {
                throw new IllegalStateException("module schemas must differ in order, location and history table: "
                        + this.schemas);
            }
        }
    }

    /** The modules this node migrates, in their order. */
    public List<ModuleSchema> schemas() {
        return schemas;
    }

    @Override
    public void migrate(Flyway flyway) {
        Configuration pooled = flyway.getConfiguration();
        Configuration template = Flyway.configure(pooled.getClassLoader()).configuration(pooled)
                .dataSource(withoutTimeouts(pooled.getDataSource()));
        DataSource dataSource = template.getDataSource();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true); // the lock is the session's: no transaction may end it
            lock(connection);
            try {
                migrate(template, connection);
            } finally {
                try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
                    unlock.setLong(1, LOCK);
                    unlock.execute();
                }
            }
        } catch (SQLException e) {
            throw new FlywayException("could not migrate the module schemas", e);
        }
    }

    private void migrate(Configuration template, Connection connection) throws SQLException {
        boolean legacy = exists(connection, template, LEGACY_HISTORY);
        if (legacy) {
            log.info("Database has the legacy history {}: completing it from {}", LEGACY_HISTORY, LEGACY_LOCATION);
            // Not validated: the legacy scripts are frozen in what they do, but two of their comments
            // were reworded after databases ran them, which changes Flyway's checksum of the file.
            configure(template, LEGACY_LOCATION, LEGACY_HISTORY).baselineOnMigrate(false)
                    .validateOnMigrate(false).load().migrate();
        }
        for (ModuleSchema schema : schemas) {
            FluentConfiguration module = configure(template, schema.location(), schema.historyTable())
                    .baselineOnMigrate(true);
            if (legacy && schema.continuesLegacyHistory() && !exists(connection, template, schema.historyTable())) {
                log.info("Module {}: its V1 is what {} left; recorded as the baseline of {}",
                        schema.module(), LEGACY_HISTORY, schema.historyTable());
                module.baselineVersion("1")
                        .baselineDescription("the tables of " + LEGACY_HISTORY + " (legacy V1..V21)");
            } else {
                module.baselineVersion("0");
            }
            module.load().migrate();
        }
    }

    private static FluentConfiguration configure(Configuration template, String location, String table) {
        return Flyway.configure(template.getClassLoader())
                .configuration(template)
                .locations(location)
                .table(table);
    }

    /**
     * Migrations run on connections of their own, without the pool's session caps (the statement
     * and idle-in-transaction timeouts of the pool's {@code options}): a migration that derives a
     * table from every user takes minutes at a million users, and Flyway keeps one connection
     * idle in a transaction while it migrates on another. Other connection properties are kept.
     * A data source that is not the pool is used as it is.
     */
    public static DataSource withoutTimeouts(DataSource dataSource) {
        HikariDataSource pool;
        try {
            if (!dataSource.isWrapperFor(HikariDataSource.class)) {
                return dataSource;
            }
            pool = dataSource.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            return dataSource;
        }
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        String options = properties.getProperty("options", "")
                .replaceAll("-c\\s*(statement_timeout|idle_in_transaction_session_timeout)=\\S+", "").strip();
        properties.setProperty("options", (options + " -c statement_timeout=0 -c idle_in_transaction_session_timeout=0").strip());
        DriverManagerDataSource unpooled = new DriverManagerDataSource(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
        unpooled.setConnectionProperties(properties);
        return unpooled;
    }

    /** Whether {@code table} exists where Flyway keeps its histories (its default schema, else the search path's first). */
    private static boolean exists(Connection connection, Configuration template, String table) throws SQLException {
        String schema = template.getDefaultSchema();
        try (PreparedStatement query = connection.prepareStatement(schema == null
                ? "select to_regclass(quote_ident(?)) is not null"
                : "select to_regclass(quote_ident(?) || '.' || quote_ident(?)) is not null")) {
            if (schema == null) {
                query.setString(1, table);
            } else {
                query.setString(1, schema);
                query.setString(2, table);
            }
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void lock(Connection connection) throws SQLException {
        boolean waited = false;
        while (true) {
            try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            if (!waited) {
                log.info("Another node is migrating the database; waiting for it");
                waited = true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlywayException("interrupted while waiting for another node's migration");
            }
        }
    }
}
