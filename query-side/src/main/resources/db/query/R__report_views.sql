-- The report views (users, organizations, activations, invitations, registrations), for the reports API and for
-- BI tools. Repeatable: Flyway runs this file after the versioned ones whenever it changed, so
-- each view is defined here once, in its current form. "create or replace" rather than drop
-- and create, so that what BI roles were granted on these views survives a change; a change
-- that removes or renames a view's column must drop that view first, here.
--
-- They read the query side's views as their processors have them (so they are as far behind
-- the event log as those: a moment), the counts of V1, and the platform's mail_outbox. A
-- user's state is the one the search filters by: disabled when not enabled, else its
-- activation (pending until the account setup form is completed, then active).

create or replace view report_user_states as
select u.user_id,
       case when not u.enabled then 'disabled' else lower(u.activation) end as state,
       u.category,
       u.account_role,
       u.created_at
from user_view u;

comment on view report_user_states is
    'One row per user with its reporting state; the base of the other report_ views.';
comment on column report_user_states.user_id is 'The user id.';
comment on column report_user_states.state is
    'pending (enabled, activation not completed), active (enabled, activated) or disabled (not enabled).';
comment on column report_user_states.category is 'GLOBAL_PUBLISHER or ORG_USER.';
comment on column report_user_states.account_role is
    'PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_PUBLISHER or DEVELOPER.';
comment on column report_user_states.created_at is 'When the user was created (UTC).';


-- The figures by state, and per organization, from the counts the triggers keep (V1): an
-- aggregate over every row would cost a scan of every user.

create or replace view report_users_by_state as
select state, category, account_role, users
from report_user_count_totals
where organization_id is null and users > 0;

comment on view report_users_by_state is
    'Number of users by state x category x account role; combinations without users are absent. '
    'Read from report_user_counts.';
comment on column report_users_by_state.state is 'pending, active or disabled (see report_user_states.state).';
comment on column report_users_by_state.category is 'GLOBAL_PUBLISHER or ORG_USER.';
comment on column report_users_by_state.account_role is
    'PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_PUBLISHER or DEVELOPER.';
comment on column report_users_by_state.users is 'Number of users.';

-- A lateral sum per organization: a page of organizations sorted by name
-- (organization_view_name) then reads the counts of that page's organizations only.
create or replace view report_users_per_organization as
select o.organization_id, o.name, o.account_plan, c.*
from organization_view o
cross join lateral (
    select coalesce(sum(t.users), 0)::bigint                                             as members,
           coalesce(sum(t.users) filter (where t.org_role = 'ORG_ADMIN'), 0)::bigint     as org_admins,
           coalesce(sum(t.users) filter (where t.org_role = 'ORG_PUBLISHER'), 0)::bigint as org_publishers,
           coalesce(sum(t.users) filter (where t.org_role = 'DEVELOPER'), 0)::bigint     as developers,
           coalesce(sum(t.users) filter (where t.state = 'pending'), 0)::bigint          as pending,
           coalesce(sum(t.users) filter (where t.state = 'active'), 0)::bigint           as active,
           coalesce(sum(t.users) filter (where t.state = 'disabled'), 0)::bigint         as disabled
    from report_user_count_totals t
    where t.organization_id = o.organization_id
) c;

comment on view report_users_per_organization is
    'Per organization: its members, by the role they hold in it and by their state. A user with '
    'memberships in several organizations counts in each. Read from report_user_counts.';
comment on column report_users_per_organization.organization_id is 'The organization id.';
comment on column report_users_per_organization.name is 'The organization name.';
comment on column report_users_per_organization.account_plan is 'The organization account plan.';
comment on column report_users_per_organization.members is 'Users with a membership in the organization.';
comment on column report_users_per_organization.org_admins is 'Members whose role in it is ORG_ADMIN.';
comment on column report_users_per_organization.org_publishers is 'Members whose role in it is ORG_PUBLISHER.';
comment on column report_users_per_organization.developers is 'Members whose role in it is DEVELOPER.';
comment on column report_users_per_organization.pending is 'Members enabled and pending activation.';
comment on column report_users_per_organization.active is 'Members enabled and activated.';
comment on column report_users_per_organization.disabled is 'Members not enabled.';


-- Pending activations: the list, read through the partial index user_view_pending_by_created.

create or replace view report_pending_activations as
select u.user_id, u.username, u.email, u.full_name, u.category, u.account_role, u.created_at, a.age,
       case when a.age < interval '1 day' then '< 1 day'
            when a.age < interval '3 days' then '1-3 days'
            when a.age < interval '7 days' then '3-7 days'
            else '>= 7 days' end as age_bucket
from user_view u
cross join lateral (select now() - u.created_at as age) a
where u.enabled and u.activation = 'PENDING';

comment on view report_pending_activations is
    'Enabled users whose activation is pending, with how long they have waited.';
comment on column report_pending_activations.user_id is 'The user id.';
comment on column report_pending_activations.username is 'The username.';
comment on column report_pending_activations.email is 'The email address.';
comment on column report_pending_activations.full_name is 'First and last name.';
comment on column report_pending_activations.category is 'GLOBAL_PUBLISHER or ORG_USER.';
comment on column report_pending_activations.account_role is
    'PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_PUBLISHER or DEVELOPER.';
comment on column report_pending_activations.created_at is 'When the user was created (UTC).';
comment on column report_pending_activations.age is 'now() - created_at: how long the activation has been pending.';
comment on column report_pending_activations.age_bucket is
    'The age as one of < 1 day, 1-3 days, 3-7 days, >= 7 days (lower bounds included).';

-- Pending activations by age from the hourly counts: the hours wholly inside an age range
-- are summed (those of the last 7 days; the total comes from report_user_counts); only the
-- hour a bound falls in is counted row by row, through the partial index
-- user_view_pending_by_created (an hour of pending users per bound at most). Ages are
-- exact: a bound is now() minus 24, 72 or 168 hours, as now() - created_at < '1 day'.
-- PL/pgSQL rather than SQL: its statements are planned once per session, and planning
-- would cost more than running them.
create or replace function report_pending_by_age(organization uuid) returns table (age_bucket text, users bigint)
language plpgsql stable as $$
#variable_conflict use_column
declare
    d1 timestamptz := now() - interval '24 hours';
    d3 timestamptz := now() - interval '72 hours';
    d7 timestamptz := now() - interval '168 hours';
    h1 timestamptz := date_trunc('hour', d1, 'UTC');
    h3 timestamptz := date_trunc('hour', d3, 'UTC');
    h7 timestamptz := date_trunc('hour', d7, 'UTC');
    y1 bigint;
    y3 bigint;
    y7 bigint;
    total bigint;
begin
    if organization is null then
        select coalesce(sum(c.users) filter (where c.created_hour > h1), 0),
               coalesce(sum(c.users) filter (where c.created_hour > h3), 0),
               coalesce(sum(c.users), 0)
        into y1, y3, y7
        from (select created_hour, users from report_pending_counts where organization_id is null and created_hour > h7
              union all
              select created_hour, users from report_pending_count_deltas where organization_id is null and created_hour > h7) c;
        select coalesce(sum(c.users), 0) into total
        from (select users from report_user_counts where organization_id is null and state = 'pending'
              union all
              select users from report_user_count_deltas where organization_id is null and state = 'pending') c;
        select y1 + count(*) filter (where u.created_at > d1 and u.created_at < h1 + interval '1 hour'),
               y3 + count(*) filter (where u.created_at > d3 and u.created_at < h3 + interval '1 hour'),
               y7 + count(*) filter (where u.created_at > d7 and u.created_at < h7 + interval '1 hour')
        into y1, y3, y7
        from user_view u
        where u.enabled and u.activation = 'PENDING'
          and ((u.created_at > d1 and u.created_at < h1 + interval '1 hour')
            or (u.created_at > d3 and u.created_at < h3 + interval '1 hour')
            or (u.created_at > d7 and u.created_at < h7 + interval '1 hour'));
    else
        select coalesce(sum(c.users) filter (where c.created_hour > h1), 0),
               coalesce(sum(c.users) filter (where c.created_hour > h3), 0),
               coalesce(sum(c.users), 0)
        into y1, y3, y7
        from (select created_hour, users from report_pending_counts where organization_id = organization and created_hour > h7
              union all
              select created_hour, users from report_pending_count_deltas
              where organization_id = organization and created_hour > h7) c;
        select coalesce(sum(c.users), 0) into total
        from (select users from report_user_counts where organization_id = organization and state = 'pending'
              union all
              select users from report_user_count_deltas where organization_id = organization and state = 'pending') c;
        select y1 + count(*) filter (where u.created_at > d1 and u.created_at < h1 + interval '1 hour'),
               y3 + count(*) filter (where u.created_at > d3 and u.created_at < h3 + interval '1 hour'),
               y7 + count(*) filter (where u.created_at > d7 and u.created_at < h7 + interval '1 hour')
        into y1, y3, y7
        from user_view u
        where u.enabled and u.activation = 'PENDING'
          and ((u.created_at > d1 and u.created_at < h1 + interval '1 hour')
            or (u.created_at > d3 and u.created_at < h3 + interval '1 hour')
            or (u.created_at > d7 and u.created_at < h7 + interval '1 hour'))
          and exists (select from user_membership_view m where m.user_id = u.user_id and m.organization_id = organization);
    end if;
    return query values ('< 1 day', y1), ('1-3 days', y3 - y1), ('3-7 days', y7 - y3), ('>= 7 days', total - y7);
end $$;

comment on function report_pending_by_age(uuid) is
    'Pending activations by age (< 1 day, 1-3 days, 3-7 days, >= 7 days; lower bounds included) among all users '
    '(null) or the members of one organization, from report_pending_counts: the figures of '
    'report_pending_activations_by_age.';


create or replace view report_pending_activations_by_age as
select age_bucket, users from report_pending_by_age(null);

comment on view report_pending_activations_by_age is
    'Pending activations by age: < 1 day, 1-3 days, 3-7 days, >= 7 days. Every bucket has a row, '
    'with 0 when empty. Read from report_pending_counts.';
comment on column report_pending_activations_by_age.age_bucket is 'The age bucket (lower bound included).';
comment on column report_pending_activations_by_age.users is 'Pending activations whose age is in the bucket.';

create or replace view report_pending_activations_by_age_per_organization as
select o.organization_id, a.age_bucket, a.users
from organization_view o
cross join lateral report_pending_by_age(o.organization_id) a;

comment on view report_pending_activations_by_age_per_organization is
    'Per organization, its members'' pending activations by age (as report_pending_activations_by_age).';
comment on column report_pending_activations_by_age_per_organization.organization_id is 'The organization id.';
comment on column report_pending_activations_by_age_per_organization.age_bucket is
    'The age bucket (lower bound included).';
comment on column report_pending_activations_by_age_per_organization.users is
    'Members whose activation is pending, with an age in the bucket.';


-- Registrations over registration_view, as far behind the event log as the registrations
-- projection (a moment). The week is the ISO week (Monday, UTC).

create or replace view report_registrations_per_week as
select w.week,
       count(*) filter (where w.kind = 'submitted') as submitted,
       count(*) filter (where w.kind = 'approved')  as approved,
       count(*) filter (where w.kind = 'rejected')  as rejected,
       count(*) filter (where w.kind = 'expired')   as expired
from (select date_trunc('week', submitted_at at time zone 'UTC')::date as week, 'submitted' as kind
      from registration_view
      union all
      select date_trunc('week', decided_at at time zone 'UTC')::date,
             case status when 'REJECTED' then 'rejected' when 'EXPIRED' then 'expired' else 'approved' end
      from registration_view
      where awaits_approval and decided_at is not null) w
group by w.week;

comment on view report_registrations_per_week is
    'Registration requests per ISO week (Monday, UTC): submitted that week, and approved, rejected or expired that week.';
comment on column report_registrations_per_week.week is 'The Monday (UTC) the week starts on.';
comment on column report_registrations_per_week.submitted is
    'Requests submitted that week, with or without the approval workflow (duplicates of existing users are not requests).';
comment on column report_registrations_per_week.approved is 'Requests a Portal Admin approved that week.';
comment on column report_registrations_per_week.rejected is 'Requests a Portal Admin rejected that week.';
comment on column report_registrations_per_week.expired is 'Requests that expired undecided that week.';

create or replace view report_registration_approval_times as
select count(*) as approved,
       percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at)) as p50_seconds,
       percentile_cont(0.9) within group (order by extract(epoch from decided_at - submitted_at)) as p90_seconds,
       percentile_cont(0.99) within group (order by extract(epoch from decided_at - submitted_at)) as p99_seconds,
       max(extract(epoch from decided_at - submitted_at))::double precision as max_seconds
from registration_view
where awaits_approval and decided_at is not null and status in ('ACCEPTED', 'COMPLETED', 'FAILED');

comment on view report_registration_approval_times is
    'How long approved requests waited for their approval: count and percentiles in seconds (null when none).';
comment on column report_registration_approval_times.approved is 'Requests approved so far.';
comment on column report_registration_approval_times.p50_seconds is 'Median seconds from submission to approval.';
comment on column report_registration_approval_times.p90_seconds is '90th percentile, seconds.';
comment on column report_registration_approval_times.p99_seconds is '99th percentile, seconds.';
comment on column report_registration_approval_times.max_seconds is 'Longest wait, seconds.';


-- Invitations sent and failed, read from the notifier's outbox (the platform's mail_outbox):
-- one row per activation email, with when it was queued, sent or given up on. As far behind
-- the event log as the notifier (a moment), and as current as its dispatcher.

create or replace view report_invitation_outcomes as
select user_id, 'issued' as outcome, created_at as at
from mail_outbox where kind = 'ACTIVATION'
union all
select user_id, 'sent', sent_at
from mail_outbox where kind = 'ACTIVATION' and status = 'SENT'
union all
select user_id, 'failed', failed_at
from mail_outbox where kind = 'ACTIVATION' and status = 'FAILED';

comment on view report_invitation_outcomes is
    'What happened to each activation email, one row per outcome: issued (queued by the notifier), sent '
    '(accepted by the mail server), failed (refused for good, or given up on after the retry window).';
comment on column report_invitation_outcomes.user_id is 'The invited user.';
comment on column report_invitation_outcomes.outcome is 'issued, sent or failed.';
comment on column report_invitation_outcomes.at is 'When it happened (UTC).';

create or replace view report_invitations_per_week as
select date_trunc('week', at at time zone 'UTC')::date as week,
       count(*) filter (where outcome = 'issued') as issued,
       count(*) filter (where outcome = 'sent')   as sent,
       count(*) filter (where outcome = 'failed') as failed
from report_invitation_outcomes
group by 1;

comment on view report_invitations_per_week is
    'Activation emails per ISO week (Monday, UTC): issued that week, sent that week, failed that week. '
    'Weeks without any are absent.';
comment on column report_invitations_per_week.week is 'The Monday (UTC) the week starts on.';
comment on column report_invitations_per_week.issued is 'Activation emails the notifier queued that week (each invitation and each resend).';
comment on column report_invitations_per_week.sent is 'Activation emails the mail server accepted that week.';
comment on column report_invitations_per_week.failed is
    'Activation emails that failed for good that week (a permanent refusal, or no success within the retry window).';
