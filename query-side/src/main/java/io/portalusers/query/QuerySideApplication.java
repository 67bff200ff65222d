package io.portalusers.query;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The query side alone, against an external PostgreSQL (SPRING_DATASOURCE_*). */
@SpringBootApplication(scanBasePackages = {"io.portalusers.query", "io.portalusers.platform"})
public class QuerySideApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(QuerySideApplication.class)
                .properties("server.port=8082")
                .run(args);
    }
}
