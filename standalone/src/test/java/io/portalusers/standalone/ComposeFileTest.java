package io.portalusers.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so docker-compose.yml is kept right by reading it: the
 * services the design names, and every variable a side is given is one the application reads.
 */
class ComposeFileTest {

    private static Map<String, Map<String, Object>> services;
    private static final Set<String> KNOWN_PROPERTIES = new HashSet<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        Path compose = Path.of("..", "docker-compose.yml");
        try (InputStream in = Files.newInputStream(compose)) {
            Map<String, Object> document = new Yaml().load(in);
            services = (Map<String, Map<String, Object>>) document.get("services");
        }
        ObjectMapper json = new ObjectMapper();
        for (Resource metadata : new PathMatchingResourcePatternResolver()
                .getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
            try (InputStream in = metadata.getInputStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    KNOWN_PROPERTIES.add(canonical(property.get("name").asText()));
                }
            }
        }
        for (String defaults : List.of("portal-users-defaults.properties", "identity-defaults.properties")) {
            PropertiesLoaderUtils.loadProperties(new ClassPathResource(defaults))
                    .stringPropertyNames().forEach(name -> KNOWN_PROPERTIES.add(canonical(name)));
        }
    }

    /** Relaxed binding's view of a name: SPRING_DATASOURCE_URL and spring.datasource.url are one. */
    private static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[._-]", "");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(String service) {
        return (Map<String, String>) services.get(service).get("environment");
    }

    @Test
    void it_has_postgres_16_a_mail_catcher_and_both_sides() {
        assertThat(services).containsOnlyKeys("postgres", "mailpit", "command-side", "query-side");
        assertThat(services.get("postgres").get("image").toString()).startsWith("postgres:16");
        assertThat(services.get("mailpit").get("image").toString()).startsWith("axllent/mailpit");
    }

    @Test
    void every_variable_given_to_a_side_is_a_setting_the_application_reads() {
        for (String side : List.of("command-side", "query-side")) {
            assertThat(environment(side).keySet())
                    .as(side)
                    .allSatisfy(variable -> assertThat(KNOWN_PROPERTIES).contains(canonical(variable)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void both_sides_use_the_compose_database_and_the_query_side_its_mail_catcher() {
        for (String side : List.of("command-side", "query-side")) {
            Map<String, String> env = environment(side);
            assertThat(env.get("SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/portal_users");
            assertThat(env.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(environment("postgres").get("POSTGRES_USER"));
            assertThat(env.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(environment("postgres").get("POSTGRES_PASSWORD"));
            assertThat(env.get("AXON_AXONSERVER_ENABLED")).isEqualTo("false");
            // R-AUTH-2: the sides do not start without an issuer and the audience that bind tokens to them
            assertThat(env).containsKey("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES");
            assertThat((Map<String, Object>) services.get(side).get("depends_on")).containsKey("postgres");
        }
        assertThat(environment("query-side")).containsEntry("SPRING_MAIL_HOST", "mailpit");
    }

    @Test
    void the_command_side_signs_users_in_and_the_query_side_trusts_its_tokens_by_default() {
        String issuer = environment("command-side").get("PORTAL_IDENTITY_ISSUER");
        assertThat(issuer).isEqualTo("http://localhost:8081");
        assertThat(environment("query-side").get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI"))
                .isEqualTo("${ISSUER_URI:-" + issuer + "}");
        assertThat(environment("query-side").get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI"))
                .isEqualTo("${JWK_SET_URI:-http://command-side:8081/oauth2/jwks}");
        assertThat(environment("command-side").get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES"))
                .isEqualTo(environment("query-side").get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES"));
    }
}
