package io.portalusers.query.reports;

import io.portalusers.platform.web.Page;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Figures over the projected users and organizations, read from the {@code report_} views
 * that BI tools read too (db/query/R__report_views.sql), within a {@link ReportScope}.
 *
 * <p>The figures of everyone and of one organization come from the report counts (a few
 * dozen rows, kept in the rows' own transaction). A scope of several organizations (an Org
 * Admin of more than one) is counted from the rows instead: a user member of two of them
 * counts once, which no sum of per-organization counts can tell.
 */
@Component
class ReportFigures {

    /** The age buckets of {@code report_pending_activations.age_bucket}, youngest first. */
    static final List<String> AGE_BUCKETS = List.of("< 1 day", "1-3 days", "3-7 days", ">= 7 days");

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

    record InvitationWeek(LocalDate week, long issued, long sent, long failed) {
    }

    record InvitationFigures(long pending, List<InvitationWeek> weeks) {
    }

    record RegistrationWeek(LocalDate week, long submitted, long approved, long rejected, long expired) {
    }

    record ApprovalTimes(long approved, Double p50Seconds, Double p90Seconds, Double p99Seconds, Double maxSeconds) {
    }

    record RegistrationFigures(List<RegistrationWeek> weeks, ApprovalTimes approvalTimes) {
    }

    private final JdbcClient jdbc;

    ReportFigures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Users by state, category and account role. */
    UsersByState usersByState(ReportScope scope) {
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

    /** Each organization's members by role and state, by name. */
    Page<OrganizationFigures> organizations(ReportScope scope, Page.Request request) {
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

    /** Pending activations by age bucket, and the {@code oldest} longest-waiting users. */
    PendingActivations pendingActivations(ReportScope scope, int oldest) {
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

    /**
     * Activation emails per week (issued, sent, failed for good; newest week first, at most
     * {@code weeks} of them) from {@code report_invitation_outcomes}, and how many wait to be sent now.
     */
    InvitationFigures invitations(ReportScope scope, int weeks) {
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
                .query((rs, n) -> new InvitationWeek(rs.getObject("week", LocalDate.class),
                        rs.getLong("issued"), rs.getLong("sent"), rs.getLong("failed")))
                .list();
        long pending = jdbc.sql("select count(*) from mail_outbox o where o.kind = 'ACTIVATION' and o.status = 'PENDING'"
                        + " and " + scope.users("o.user_id"))
                .params(scope.params())
                .query(Long.class)
                .single();
        return new InvitationFigures(pending, rows);
    }

    /** Registration requests per week (newest first, at most {@code weeks}) and how long approvals took. */
    RegistrationFigures registrations(int weeks) {
        List<RegistrationWeek> rows = jdbc.sql("select * from report_registrations_per_week order by week desc limit ?")
                .param(weeks)
                .query((rs, n) -> new RegistrationWeek(rs.getObject("week", LocalDate.class),
                        rs.getLong("submitted"), rs.getLong("approved"), rs.getLong("rejected"), rs.getLong("expired")))
                .list();
        ApprovalTimes times = jdbc.sql("select * from report_registration_approval_times")
                .query((rs, n) -> new ApprovalTimes(rs.getLong("approved"), rs.getObject("p50_seconds", Double.class),
                        rs.getObject("p90_seconds", Double.class), rs.getObject("p99_seconds", Double.class),
                        rs.getObject("max_seconds", Double.class)))
                .single();
        return new RegistrationFigures(rows, times);
    }
}
