package io.portalusers.command;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The command side alone, against an external PostgreSQL (SPRING_DATASOURCE_*). Sign-in (the
 * identity module) runs here too where {@code portal.identity.issuer} is set.
 */
@SpringBootApplication(scanBasePackages = {"io.portalusers.command", "io.portalusers.platform", "io.portalusers.identity"})
public class CommandSideApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(CommandSideApplication.class)
                .properties("server.port=8081")
                .run(args);
    }
}
