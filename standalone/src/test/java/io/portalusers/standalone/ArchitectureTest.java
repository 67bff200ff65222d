package io.portalusers.standalone;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.spring.stereotype.Saga;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The module boundaries, checked rather than hoped for: the language both sides speak knows no
 * framework wiring and no module; neither side, nor sign-in, uses another's code (they meet in
 * events, commands and the database); the shared platform knows no domain module; and no two
 * modules depend on each other in a circle; and the platform handles no command, event or query itself.
 */
class ArchitectureTest {

    private static final String EVENTS = "io.portalusers.api..";
    private static final String PLATFORM = "io.portalusers.platform..";
    private static final String COMMAND = "io.portalusers.command..";
    private static final String QUERY = "io.portalusers.query..";
    private static final String IDENTITY = "io.portalusers.identity..";
    private static final String SCIM = "io.portalusers.scim..";
    private static final String CONSOLE = "io.portalusers.console..";

    private static JavaClasses production;

    @BeforeAll
    static void read() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.portalusers");
    }

    private static void check(ArchRule rule) {
        rule.check(production);
    }

    @Test
    void shared_events_depend_on_no_spring_and_no_module() {
        check(noClasses().that().resideInAPackage(EVENTS)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.persistence..",
                        PLATFORM, COMMAND, QUERY, IDENTITY)
                .as("shared-events is the language of both sides: records, no Spring, no module"));
    }

    @Test
    void the_command_side_uses_neither_the_query_side_nor_sign_in() {
        check(noClasses().that().resideInAPackage(COMMAND)
                .should().dependOnClassesThat().resideInAnyPackage(QUERY, IDENTITY));
    }

    @Test
    void the_query_side_uses_neither_the_command_side_nor_sign_in() {
        check(noClasses().that().resideInAPackage(QUERY)
                .should().dependOnClassesThat().resideInAnyPackage(COMMAND, IDENTITY));
    }

    @Test
    void sign_in_uses_neither_side() {
        check(noClasses().that().resideInAPackage(IDENTITY)
                .should().dependOnClassesThat().resideInAnyPackage(COMMAND, QUERY));
    }

    /** SCIM speaks the sides' language (commands, the views' tables) and uses neither side's code; nothing uses its. */
    @Test
    void scim_uses_neither_side_nor_sign_in_and_no_module_uses_scim() {
        check(noClasses().that().resideInAPackage(SCIM)
                .should().dependOnClassesThat().resideInAnyPackage(COMMAND, QUERY, IDENTITY));
        check(noClasses().that().resideInAnyPackage(EVENTS, PLATFORM, COMMAND, QUERY, IDENTITY)
                .should().dependOnClassesThat().resideInAPackage(SCIM));
    }

    /** The console acts through the REST API alone, so that the API stays the one place rules live. */
    @Test
    void the_console_uses_no_other_module() {
        check(noClasses().that().resideInAPackage(CONSOLE)
                .should().dependOnClassesThat().resideInAnyPackage(EVENTS, PLATFORM, COMMAND, QUERY, IDENTITY, SCIM));
        check(noClasses().that().resideInAnyPackage(EVENTS, PLATFORM, COMMAND, QUERY, IDENTITY, SCIM)
                .should().dependOnClassesThat().resideInAPackage(CONSOLE));
    }

    @Test
    void the_platform_knows_no_domain_module() {
        check(noClasses().that().resideInAPackage(PLATFORM)
                .should().dependOnClassesThat().resideInAnyPackage(COMMAND, QUERY, IDENTITY, SCIM, "io.portalusers.standalone.."));
    }

    /**
     * Behaviour of the domain (handling commands, events, queries; processes) belongs to the
     * modules; the platform contributes the means (interceptors, configuration, interfaces the
     * modules implement) and declares no handler of its own.
     */
    @Test
    void the_platform_handles_no_command_event_or_query() {
        check(noMethods().that().areDeclaredInClassesThat().resideInAPackage(PLATFORM)
                .should().beAnnotatedWith(CommandHandler.class)
                .orShould().beAnnotatedWith(EventHandler.class)
                .orShould().beAnnotatedWith(SagaEventHandler.class)
                .orShould().beAnnotatedWith(QueryHandler.class));
        check(noClasses().that().resideInAPackage(PLATFORM)
                .should().beAnnotatedWith(ProcessingGroup.class)
                .orShould().beAnnotatedWith(Saga.class));
    }

    @Test
    void modules_depend_on_each_other_in_no_circle() {
        check(slices().matching("io.portalusers.(*)..").should().beFreeOfCycles());
    }

    @Test
    void the_packages_of_each_module_depend_on_each_other_in_no_circle() {
        check(slices().matching("io.portalusers.(*).(*)..").should().beFreeOfCycles());
    }
}
