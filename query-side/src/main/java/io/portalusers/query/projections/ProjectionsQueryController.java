package io.portalusers.query.projections;

import io.portalusers.platform.actor.Actor;
import io.portalusers.platform.problem.NotFoundException;
import io.portalusers.platform.problem.RuleViolationException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Portal Admins see where each read model stands and rebuild one from the event log (R-AUD-3). */
@RestController
class ProjectionsQueryController {

    private final Projections projections;
    private final Reconciliation reconciliation;
    private final Duration settle;

    ProjectionsQueryController(Projections projections, Reconciliation reconciliation,
                               @Value("${portal.reconciliation.settle}") Duration settle) {
        this.projections = projections;
        this.reconciliation = reconciliation;
        this.settle = settle;
    }

    @GetMapping(path = "/api/admin/projections", produces = MediaType.APPLICATION_JSON_VALUE)
    List<Projections.Status> list(Actor actor) {
        requirePortalAdmin(actor);
        return projections.names().stream().flatMap(name -> projections.status(name).stream()).toList();
    }

    @GetMapping(path = "/api/admin/projections/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    Projections.Status status(Actor actor, @PathVariable String name) {
        requirePortalAdmin(actor);
        return projections.status(name).orElseThrow(() -> new NotFoundException("no such projection"));
    }

    /**
     * 202: the rebuild runs on; follow it at the Location. 409 {@code rebuild-needs-one-node}
     * while other query nodes are alive: nothing was stopped or reset.
     */
    @PostMapping(path = "/api/admin/projections/{name}/rebuild", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Projections.Status> rebuild(Actor actor, @PathVariable String name) {
        requirePortalAdmin(actor);
        Projections.Status status = projections.rebuild(name).orElseThrow(() -> new NotFoundException("no such projection"));
        return ResponseEntity.accepted().location(URI.create("/api/admin/projections/" + name)).body(status);
    }

    /**
     * Aggregates whose view row is behind the event log although their last event settled
     * {@code settledFor} ago (default: longer than Axon's gap timeout).
     */
    @GetMapping(path = "/api/admin/projections/{name}/reconciliation", produces = MediaType.APPLICATION_JSON_VALUE)
    Reconciliation.Lag reconcile(Actor actor, @PathVariable String name,
                                    @RequestParam(required = false) Duration settledFor) {
        requirePortalAdmin(actor);
        return reconciliation.check(name, settledFor == null ? settle : settledFor)
                .orElseThrow(() -> new NotFoundException("no reconciliation for this projection"));
    }

    private static void requirePortalAdmin(Actor actor) {
        if (!actor.isPortalAdmin()) {
            throw RuleViolationException.forbidden("R-AUD-3", "only a Portal Admin sees and rebuilds read models");
        }
    }
}
