package io.portalusers.standalone;

import io.portalusers.command.CommandSideApplication;
import io.portalusers.platform.EmbeddedDefault;
import io.portalusers.query.QuerySideApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * Both sides in one JVM: the single-machine way to run the service, and what README's run
 * command starts. The two sides' own application classes are left out of the scan. The one
 * application that runs on the embedded default when no database is configured.
 */
@EmbeddedDefault
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = {"io.portalusers.platform", "io.portalusers.command", "io.portalusers.query",
        "io.portalusers.identity", "io.portalusers.scim",
        "io.portalusers.console"},
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE,
                classes = {CommandSideApplication.class, QuerySideApplication.class}))
public class PortalUsersApplication {

    public static void main(String[] args) {
        SpringApplication.run(PortalUsersApplication.class, args);
    }
}
