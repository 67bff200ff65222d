package io.portalusers.command.settings;

import io.portalusers.api.settings.ChangePortalSettings;
import io.portalusers.api.settings.PortalSettings;
import io.portalusers.api.settings.PortalSettingsChanged;
import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.RuleViolationException;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/** The portal's one set of switches (R-SET-1). */
@Aggregate
public class PortalSettingsAggregate {

    @AggregateIdentifier
    private String settingsId;
    private PortalSettings settings;

    protected PortalSettingsAggregate() {
    }

    /** Returns the version after the change; changing nothing appends nothing. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public long handle(ChangePortalSettings command, Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw new RuleViolationException("R-SET-1", "only a Portal Admin changes the portal settings");
        }
        // Created if missing, the aggregate is loaded without the expected version (If-Match), so
        // Axon does not compare it: a change based on settings read before another one is stale
        Long expected = command.expectedVersion();
        if (settings != null && expected != null && expected < AggregateLifecycle.getVersion()) {
            throw new ConflictingAggregateVersionException(settingsId, expected, AggregateLifecycle.getVersion());
        }
        if (settings == null || !settings.equals(command.settings())) {
            apply(new PortalSettingsChanged(command.settingsId(), command.settings()));
        }
        return AggregateLifecycle.getVersion();
    }

    @EventSourcingHandler
    void on(PortalSettingsChanged event) {
        settingsId = event.settingsId();
        settings = event.settings();
    }
}
