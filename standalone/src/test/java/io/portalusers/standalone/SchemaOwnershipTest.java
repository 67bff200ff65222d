package io.portalusers.standalone;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database half of the module boundaries: a module's code names only the tables of its own
 * schema and of the platform's, never those another side's migrations create. The two sides may
 * run in different processes that share only the database, so a query that reaches into the
 * other side's tables is a dependency that {@link ArchitectureTest} cannot see in the classes.
 * (Sign-in runs beside the command side and reads its credentials and lookups, so it is not
 * checked against the command side.)
 */
class SchemaOwnershipTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern CREATED = Pattern.compile(
            "create\\s+(?:or\\s+replace\\s+)?(?:table|view|materialized\\s+view|function)\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

    @Test
    void the_query_side_names_no_table_of_the_command_side() throws IOException {
        assertThat(namedIn("query-side", objectsOf("command-side", "db/command"))).isEmpty();
    }

    @Test
    void the_command_side_names_no_table_or_view_of_the_query_side() throws IOException {
        assertThat(namedIn("command-side", objectsOf("query-side", "db/query"))).isEmpty();
    }

    @Test
    void the_platform_names_no_table_or_view_of_either_side() throws IOException {
        Set<String> sides = new TreeSet<>(objectsOf("command-side", "db/command"));
        sides.addAll(objectsOf("query-side", "db/query"));
        assertThat(namedIn("platform", sides)).isEmpty();
    }

    @Test
    void the_check_sees_the_tables_it_guards() throws IOException {
        // guards against a check that passes because it reads nothing
        assertThat(objectsOf("command-side", "db/command")).contains("username_lookup", "invitation_lookup");
        assertThat(objectsOf("query-side", "db/query")).contains("user_view", "report_users_by_state");
        assertThat(namedIn("command-side", Set.of("username_lookup"))).isNotEmpty();
    }

    /** The tables, views and functions a module's migrations create. */
    private static Set<String> objectsOf(String module, String location) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> scripts = Files.walk(ROOT.resolve(module).resolve("src/main/resources").resolve(location))) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Matcher created = CREATED.matcher(Files.readString(script));
                while (created.find()) {
                    names.add(created.group(1).toLowerCase());
                }
            }
        }
        return names;
    }

    /** "File: name" for each of {@code names} a module's main Java sources mention as a word. */
    private static List<String> namedIn(String module, Set<String> names) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source);
                for (String name : names) {
                    if (Pattern.compile("\\b" + name + "\\b").matcher(text).find()) {
                        found.add(source.getFileName() + ": " + name);
                    }
                }
            }
        }
        return found;
    }
}
