-- Reporting over registration_view (issue 6 left these for issue 5), for the reports API and
-- BI tools; as far behind the event log as the registrations projection (a moment).

create view report_registrations_per_week as
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

create view report_registration_approval_times as
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
