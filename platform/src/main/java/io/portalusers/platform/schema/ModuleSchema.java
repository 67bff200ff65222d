package io.portalusers.platform.schema;

/**
 * The tables one module owns: its Flyway scripts and the history table that records them,
 * apart from every other module's. Each module contributes its own as a bean, so a node
 * migrates exactly the modules it runs; {@link ModuleMigrations} runs them before anything
 * touches the database, in ascending {@link #order}: the platform (0), then the command side
 * (10), the query side (20) and sign-in (30). A module's scripts may refer only to tables of
 * the platform or of its own: the side jars migrate apart, and either may run alone.
 *
 * @param module                a name for logs and errors
 * @param location              where its scripts are, e.g. {@code classpath:db/command}
 * @param historyTable          its Flyway history, e.g. {@code command_schema_history}
 * @param order                 when it migrates, ascending; two modules never share one
 * @param continuesLegacyHistory whether its V1 is exactly what the legacy history
 *                              ({@code flyway_schema_history}, {@code db/legacy}) left: on a
 *                              database that has that history, its V1 is recorded as a
 *                              baseline instead of run
 */
public record ModuleSchema(String module, String location, String historyTable, int order,
                           boolean continuesLegacyHistory) {

    /** The platform's own: Axon's, db-scheduler's and the tables both sides read and write. */
    public static final ModuleSchema PLATFORM =
            new ModuleSchema("platform", "classpath:db/platform", "platform_schema_history", 0, true);
}
