package io.portalusers.command.user;

import io.portalusers.api.UserId;
import io.portalusers.api.user.BootstrapPortalAdmin;
import io.portalusers.api.user.Role;
import io.portalusers.api.user.UserCreated;
import io.portalusers.api.user.UserSource;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.util.List;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** A user account. Its username and email are unique (R-ADD-6), enforced by {@link UserLookups}. */
@Aggregate
public class User {

    @AggregateIdentifier
    private UserId userId;

    protected User() {
    }

    /** R-SET-2: the first Portal Admin, from configuration. Sent by the service itself, never over HTTP. */
    @CommandHandler
    public User(BootstrapPortalAdmin command) {
        apply(new UserCreated(command.userId(), command.username(), command.email(), command.name(),
                command.language(), Role.PORTAL_ADMIN, List.of(), UserSource.PORTAL, null, false));
    }

    @EventSourcingHandler
    void on(UserCreated event) {
        userId = event.userId();
    }
}
