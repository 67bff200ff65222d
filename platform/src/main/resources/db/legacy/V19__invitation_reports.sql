-- Invitations sent and failed (issue 6, item 6), for the reports API and BI tools, read from
-- the notifier's outbox: one row per activation email, with when it was queued, sent or
-- given up on. As far behind the event log as the notifier (a moment), and as current as its
-- dispatcher. The week is the ISO week (Monday, UTC), as in report_registrations_per_week.

create view report_invitation_outcomes as
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

create view report_invitations_per_week as
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

