package io.portalusers.query.reports;

import io.portalusers.api.InvalidValueException;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import io.portalusers.query.reports.ReportFigures.InvitationFigures;
import io.portalusers.query.reports.ReportFigures.OrganizationFigures;
import io.portalusers.query.reports.ReportFigures.PendingActivations;
import io.portalusers.query.reports.ReportFigures.RegistrationFigures;
import io.portalusers.query.reports.ReportFigures.UsersByState;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The reports over HTTP. Reporting shares the visibility rule of searching (R-SEARCH-4): a
 * Portal Admin sees every figure; an Org Admin the figures of the organizations it
 * administers, its users counted through their memberships there; nobody else reads reports.
 * {@code organization} narrows any report to one organization ({@link ReportScope}); the
 * figures themselves are {@link ReportFigures}'.
 */
@RestController
class ReportsQueryController {

    static final int MAX_OLDEST = 100;

    private final ReportFigures figures;

    ReportsQueryController(ReportFigures figures) {
        this.figures = figures;
    }

    @GetMapping(path = "/api/reports/users-by-state", produces = MediaType.APPLICATION_JSON_VALUE)
    UsersByState usersByState(AuditReader reader, @RequestParam(required = false) String organization) {
        return figures.usersByState(ReportScope.of(reader, organization));
    }

    @GetMapping(path = "/api/reports/organizations", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<OrganizationFigures> organizations(AuditReader reader,
                                            @RequestParam(required = false) String organization,
                                            @RequestParam(defaultValue = "0") int page,
                                            @RequestParam(defaultValue = "20") int size) {
        ReportScope scope = ReportScope.of(reader, organization);
        return figures.organizations(scope, Page.request(page, size));
    }

    @GetMapping(path = "/api/reports/pending-activations", produces = MediaType.APPLICATION_JSON_VALUE)
    PendingActivations pendingActivations(AuditReader reader,
                                          @RequestParam(required = false) String organization,
                                          @RequestParam(defaultValue = "10") int oldest) {
        ReportScope scope = ReportScope.of(reader, organization);
        if (oldest < 0 || oldest > MAX_OLDEST) {
            throw new InvalidValueException("oldest", "must be 0 to " + MAX_OLDEST);
        }
        return figures.pendingActivations(scope, oldest);
    }

    /** Activation emails per week and how many wait; an Org Admin reads those of its organizations' users. */
    @GetMapping(path = "/api/reports/invitations", produces = MediaType.APPLICATION_JSON_VALUE)
    InvitationFigures invitations(AuditReader reader, @RequestParam(required = false) String organization,
                                  @RequestParam(defaultValue = "26") int weeks) {
        ReportScope scope = ReportScope.of(reader, organization);
        checkWeeks(weeks);
        return figures.invitations(scope, weeks);
    }

    /**
     * Registration requests per week and how long approvals took. Portal Admins and audit
     * readers only (registrations belong to no organization yet): anyone else 403, code R-REG-2.
     */
    @GetMapping(path = "/api/reports/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
    RegistrationFigures registrations(AuditReader reader, @RequestParam(defaultValue = "26") int weeks) {
        if (!reader.readsEverything()) {
            throw RuleViolationException.forbidden("R-REG-2", "only Portal Admins read registration figures");
        }
        checkWeeks(weeks);
        return figures.registrations(weeks);
    }

    private static void checkWeeks(int weeks) {
        if (weeks < 1 || weeks > 520) {
            throw new InvalidValueException("weeks", "must be between 1 and 520");
        }
    }
}
