package io.portalusers.command.authscheme;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portalusers.api.SchemeId;
import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthenticationSchemeChanged;
import io.portalusers.api.authscheme.AuthenticationSchemeCreated;
import io.portalusers.api.authscheme.AuthorizationType;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** Schemes as provisioning and the User rules read them, in the command's transaction. */
@Component
@ProcessingGroup("command-lookups")
public class SchemeLookup {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;

    SchemeLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Scheme(SchemeId schemeId, AuthorizationType authorizationType, AttributeMappings mappings) {
    }

    public Optional<Scheme> find(SchemeId schemeId) {
        return jdbc.sql("select authorization_type, mappings::text from scheme_lookup where scheme_id = ?")
                .param(schemeId.value())
                .query((rs, n) -> new Scheme(schemeId, AuthorizationType.valueOf(rs.getString(1)),
                        read(rs.getString(2))))
                .optional();
    }

    @EventHandler
    void on(AuthenticationSchemeCreated event) {
        jdbc.sql("""
                        insert into scheme_lookup (scheme_id, name_key, authorization_type, mappings)
                        values (?, ?, ?, ?::jsonb)""")
                .params(event.schemeId().value(), event.name().key(), event.authorizationType().name(),
                        write(event.mappings()))
                .update();
    }

    @EventHandler
    void on(AuthenticationSchemeChanged event) {
        jdbc.sql("""
                        update scheme_lookup set name_key = ?, authorization_type = ?, mappings = ?::jsonb
                        where scheme_id = ?""")
                .params(event.name().key(), event.authorizationType().name(), write(event.mappings()),
                        event.schemeId().value())
                .update();
    }

    private static String write(AttributeMappings mappings) {
        try {
            return JSON.writeValueAsString(mappings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AttributeMappings read(String json) {
        try {
            return JSON.readValue(json, AttributeMappings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
