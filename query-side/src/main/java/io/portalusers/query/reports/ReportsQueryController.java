package io.portalusers.query.reports;

import io.portalusers.api.InvalidValueException;
import io.portalusers.api.OrganizationId;
import io.portalusers.platform.actor.AuditReader;
import io.portalusers.platform.problem.FieldErrors;
import io.portalusers.platform.problem.RuleViolationException;
import io.portalusers.platform.web.Page;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Figures over the projected users and organizations, read from the {@code report_} views
 * that BI tools read too (db/query/R__report_views.sql). Reporting shares the visibility rule of searching
 * (R-SEARCH-4): a Portal Admin sees every figure; an Org Admin the figures of the
 * organizations it administers, its users counted through their memberships there;
 * nobody else reads reports. {@code organization} narrows any report to one organization.
 *
 * <p>The figures of everyone and of one organization come from the report counts (a few
 * dozen rows, kept in the rows' own transaction). A scope of several organizations (an Org
 * Admin of more than one) is counted from the rows instead: a user member of two of them
 * counts once, which no sum of per-organization counts can tell.
 */
@RestController
class ReportsQueryController {

    static final int MAX_OLDEST = 100;
    /** The age buckets of {@code report_pending_activations.age_bucket}, youngest first. */
    static final List<String> AGE_BUCKETS = List.of("< 1 day", "1-3 days", "3-7 days", ">= 7 days");

    private final JdbcClient jdbc;

    ReportsQueryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record StateFigure(String state, String category, String accountRole, long users) {
    }

    record UsersByState(long total, List<StateFigure> figures) {
    }

    record OrganizationFigures(UUID id, String name, String accountPlan, long members, long orgAdmins,
                               long orgPublishers, long developers, long pending, long active, long disabled) {
    }

    record AgeBucket(String age, long users) {
    }

    record PendingActivation(UUID id, String username, String email, String fullName, String accountRole,
                             Instant createdAt, long ageSeconds) {
    }

    record PendingActivations(long total, List<AgeBucket> buckets, List<PendingActivation> oldest) {
    }

    @GetMapping(path = "/api/reports/users-by-state", produces = MediaType.APPLICATION_JSON_VALUE)
    UsersByState usersByState(AuditReader reader, @RequestParam(required = false) String organization) {
        Scope scope = Scope.of(reader, organization);
        String sql = scope.everything()
                ? "select state, category, account_role, users from report_users_by_state"
                : scope.single() ? """
                  select state, category, account_role, sum(users)::bigint as users from report_user_count_totals
                  where organization_id in (:organizations)
                  group by state, category, account_role having sum(users) > 0"""
                : """
                  select state, category, account_role, count(*) as users from report_user_states s
                  where %s group by state, category, account_role""".formatted(scope.users("s.user_id"));
        List<StateFigure> figures = jdbc.sql(sql + " order by state, category, account_role")
                .params(scope.params())
                .query((rs, n) -> new StateFigure(rs.getString("state"), rs.getString("category"),
                        rs.getString("account_role"), rs.getLong("users")))
                .list();
        return new UsersByState(figures.stream().mapToLong(StateFigure::users).sum(), figures);
    }

    @GetMapping(path = "/api/reports/organizations", produces = MediaType.APPLICATION_JSON_VALUE)
    Page<OrganizationFigures> organizations(AuditReader reader,
                                            @RequestParam(required = false) String organization,
                                            @RequestParam(defaultValue = "0") int page,
                                            @RequestParam(defaultValue = "20") int size) {
        Scope scope = Scope.of(reader, organization);
        Page.Request request = Page.request(page, size);
        String where = scope.everything() ? "true" : "r.organization_id in (:organizations)";
        List<OrganizationFigures> items = jdbc.sql("select * from report_users_per_organization r where " + where
                        + " order by lower(r.name), r.organization_id limit :limit offset :offset")
                .params(scope.params())
                .param("limit", request.size())
                .param("offset", request.offset())
                .query((rs, n) -> new OrganizationFigures(rs.getObject("organization_id", UUID.class),
                        rs.getString("name"), rs.getString("account_plan"), rs.getLong("members"),
                        rs.getLong("org_admins"), rs.getLong("org_publishers"), rs.getLong("developers"),
                        rs.getLong("pending"), rs.getLong("active"), rs.getLong("disabled")))
                .list();
        long total = jdbc.sql("select count(*) from organization_view r where " + where)
                .params(scope.params())
                .query(Long.class)
                .single();
        return request.of(items, total);
    }

    @GetMapping(path = "/api/reports/pending-activations", produces = MediaType.APPLICATION_JSON_VALUE)
    PendingActivations pendingActivations(AuditReader reader,
                                          @RequestParam(required = false) String organization,
                                          @RequestParam(defaultValue = "10") int oldest) {
        Scope scope = Scope.of(reader, organization);
        if (oldest < 0 || oldest > MAX_OLDEST) {
            throw new InvalidValueException("oldest", "must be 0 to " + MAX_OLDEST);
        }
        String where = scope.users("p.user_id");
        Map<String, Long> counts = new LinkedHashMap<>();
        AGE_BUCKETS.forEach(bucket -> counts.put(bucket, 0L));
        String byAge = scope.everything() ? "select age_bucket, users from report_pending_activations_by_age"
                : scope.single() ? "select age_bucket, users from report_pending_by_age(:organization)"
                : "select age_bucket, count(*) as users from report_pending_activations p where " + where
                        + " group by age_bucket";
        jdbc.sql(byAge)
                .params(scope.params())
                .query(rs -> {
                    counts.put(rs.getString("age_bucket"), rs.getLong("users"));
                });
        List<AgeBucket> buckets = counts.entrySet().stream().map(e -> new AgeBucket(e.getKey(), e.getValue())).toList();
        List<PendingActivation> longest = jdbc.sql("select p.*, extract(epoch from p.age)::bigint as age_seconds"
                        + " from report_pending_activations p where " + where
                        + " order by p.created_at, p.user_id limit :limit")
                .params(scope.params())
                .param("limit", oldest)
                .query((rs, n) -> new PendingActivation(rs.getObject("user_id", UUID.class), rs.getString("username"),
                        rs.getString("email"), rs.getString("full_name"), rs.getString("account_role"),
                        rs.getTimestamp("created_at").toInstant(), rs.getLong("age_seconds")))
                .list();
        return new PendingActivations(buckets.stream().mapToLong(AgeBucket::users).sum(), buckets, longest);
    }

    record InvitationWeek(java.time.LocalDate week, long issued, long sent, long failed) {
    }

    record InvitationFigures(long pending, List<InvitationWeek> weeks) {
    }

    /**
     * Activation emails per week (issued, sent, failed for good; newest week first, at most
     * {@code weeks} of them) from {@code report_invitations_per_week}, and how many wait to be
     * sent now. An Org Admin reads those of its organizations' users.
     */
    @GetMapping(path = "/api/reports/invitations", produces = MediaType.APPLICATION_JSON_VALUE)
    InvitationFigures invitations(AuditReader reader, @RequestParam(required = false) String organization,
                                  @RequestParam(defaultValue = "26") int weeks) {
        Scope scope = Scope.of(reader, organization);
        checkWeeks(weeks);
        // the scope narrows the outcomes, so the weeks are summed here (as report_invitations_per_week does)
        List<InvitationWeek> rows = jdbc.sql("""
                        select date_trunc('week', o.at at time zone 'UTC')::date as week,
                               count(*) filter (where o.outcome = 'issued') as issued,
                               count(*) filter (where o.outcome = 'sent') as sent,
                               count(*) filter (where o.outcome = 'failed') as failed
                        from report_invitation_outcomes o where %s
                        group by 1 order by week desc limit :weeks""".formatted(scope.users("o.user_id")))
                .params(scope.params())
                .param("weeks", weeks)
                .query((rs, n) -> new InvitationWeek(rs.getObject("week", java.time.LocalDate.class),
                        rs.getLong("issued"), rs.getLong("sent"), rs.getLong("failed")))
                .list();
        long pending = jdbc.sql("select count(*) from mail_outbox o where o.kind = 'ACTIVATION' and o.status = 'PENDING'"
                        + " and " + scope.users("o.user_id"))
                .params(scope.params())
                .query(Long.class)
                .single();
        return new InvitationFigures(pending, rows);
    }

    record RegistrationWeek(java.time.LocalDate week, long submitted, long approved, long rejected, long expired) {
    }

    record ApprovalTimes(long approved, Double p50Seconds, Double p90Seconds, Double p99Seconds, Double maxSeconds) {
    }

    record RegistrationFigures(List<RegistrationWeek> weeks, ApprovalTimes approvalTimes) {
    }

    /**
     * Registration requests per week (submitted, approved, rejected, expired; newest week
     * first, at most {@code weeks} of them) and how long approvals took. Portal Admins and
     * audit readers only (registrations belong to no organization yet): anyone else 403, code R-REG-2.
     */
    @GetMapping(path = "/api/reports/registrations", produces = MediaType.APPLICATION_JSON_VALUE)
    RegistrationFigures registrations(AuditReader reader, @RequestParam(defaultValue = "26") int weeks) {
        if (!reader.readsEverything()) {
            throw RuleViolationException.forbidden("R-REG-2", "only Portal Admins read registration figures");
        }
        checkWeeks(weeks);
        List<RegistrationWeek> rows = jdbc.sql("select * from report_registrations_per_week order by week desc limit ?")
                .param(weeks)
                .query((rs, n) -> new RegistrationWeek(rs.getObject("week", java.time.LocalDate.class),
                        rs.getLong("submitted"), rs.getLong("approved"), rs.getLong("rejected"), rs.getLong("expired")))
                .list();
        ApprovalTimes times = jdbc.sql("select * from report_registration_approval_times")
                .query((rs, n) -> new ApprovalTimes(rs.getLong("approved"), (Double) rs.getObject("p50_seconds", Double.class),
                        rs.getObject("p90_seconds", Double.class), rs.getObject("p99_seconds", Double.class),
                        rs.getObject("max_seconds", Double.class)))
                .single();
        return new RegistrationFigures(rows, times);
    }

    private static void checkWeeks(int weeks) {
        if (weeks < 1 || weeks > 520) {
            throw new InvalidValueException("weeks", "must be between 1 and 520");
        }
    }

    /**
     * The organizations whose figures the reader sees (R-SEARCH-4): every one for a Portal
     * Admin or an audit:read machine client, those it administers for an Org Admin, and within
     * those the one asked for.
     */
    private record Scope(boolean everything, Set<UUID> organizations) {

        static Scope of(AuditReader reader, String organization) {
            FieldErrors errors = new FieldErrors();
            UUID only = errors.parseOptional("organization", organization, UUID::fromString);
            Set<OrganizationId> administered = reader.readsEverything() ? Set.of() : reader.administeredOrganizations();
            if (!reader.readsEverything() && administered.isEmpty()) {
                throw RuleViolationException.forbidden("R-SEARCH-4",
                        "only Portal Admins and Org Admins can read reports");
            }
            errors.throwIfAny();
            if (only != null) {
                // An Org Admin asking for another organization reads no figures, as its search finds nobody there.
                boolean visible = reader.readsEverything() || administered.contains(new OrganizationId(only));
                return new Scope(false, visible ? Set.of(only) : Set.of());
            }
            if (reader.readsEverything()) {
                return new Scope(true, Set.of());
            }
            return new Scope(false, Set.copyOf(administered.stream().map(OrganizationId::value).toList()));
        }

        /** The condition that {@code userId} is a user the scope covers: a member of one of its organizations. */
        String users(String userId) {
            return everything ? "true" : userId
                    + " in (select m.user_id from user_membership_view m where m.organization_id in (:organizations))";
        }

        /** At most one organization (none: an Org Admin asking for another's): its counts answer. */
        boolean single() {
            return !everything && organizations.size() <= 1;
        }

        Map<String, Object> params() {
            // "in ()" is not SQL: an empty scope binds an id no organization has.
            UUID nobody = new UUID(0, 0);
            return everything ? Map.of() : Map.of("organizations",
                    organizations.isEmpty() ? List.of(nobody) : List.copyOf(organizations),
                    "organization", organizations.isEmpty() ? nobody : organizations.iterator().next());
        }
    }
}
