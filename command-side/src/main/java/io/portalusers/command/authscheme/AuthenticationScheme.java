package io.portalusers.command.authscheme;

import io.portalusers.api.SchemeId;
import io.portalusers.api.authscheme.AttributeMappings;
import io.portalusers.api.authscheme.AuthenticationSchemeChanged;
import io.portalusers.api.authscheme.AuthenticationSchemeCreated;
import io.portalusers.api.authscheme.AuthorizationType;
import io.portalusers.api.authscheme.ChangeAuthenticationScheme;
import io.portalusers.api.authscheme.CreateAuthenticationScheme;
import io.portalusers.api.authscheme.SchemeName;
import io.portalusers.platform.actor.Actor;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;

import static io.portalusers.platform.problem.RuleViolationException.forbidden;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An authentication scheme (R-AUTH-1): its name, how it maps an identity provider's
 * attributes, and whether organizations and roles are assigned here (PORTAL) or follow the
 * identity provider (IDP). Its name is unique, enforced by {@link SchemeLookup}.
 */
@Aggregate
public class AuthenticationScheme {

    @AggregateIdentifier
    private SchemeId schemeId;
    private SchemeName name;
    private AttributeMappings mappings;
    private AuthorizationType authorizationType;

    protected AuthenticationScheme() {
    }

    @CommandHandler
    public AuthenticationScheme(CreateAuthenticationScheme command, Actor actor) {
        requirePortalAdmin(actor);
        apply(new AuthenticationSchemeCreated(command.schemeId(), command.name(), command.mappings(),
                command.authorizationType()));
    }

    @CommandHandler
    public long handle(ChangeAuthenticationScheme command, Actor actor) {
        requirePortalAdmin(actor);
        if (!command.name().equals(name) || !command.mappings().equals(mappings)
                || command.authorizationType() != authorizationType) {
            apply(new AuthenticationSchemeChanged(schemeId, command.name(), command.mappings(),
                    command.authorizationType()));
        }
        return AggregateLifecycle.getVersion();
    }

    private static void requirePortalAdmin(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw forbidden("R-AUTH-1", "only a Portal Admin manages authentication schemes");
        }
    }

    @EventSourcingHandler
    void on(AuthenticationSchemeCreated event) {
        schemeId = event.schemeId();
        name = event.name();
        mappings = event.mappings();
        authorizationType = event.authorizationType();
    }

    @EventSourcingHandler
    void on(AuthenticationSchemeChanged event) {
        name = event.name();
        mappings = event.mappings();
        authorizationType = event.authorizationType();
    }
}
