-- Reporting over the projected views (issue 6, item 6), for the reports API and for BI
-- tools. The views read user_view, user_membership_view and organization_view as their
-- processors have them, so they are as far behind the event log as those (a moment).
-- A user's state is the one the search filters by: disabled when not enabled, else its
-- activation (pending until the account setup form is completed, then active).

create view report_user_states as
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

create view report_users_by_state as
select state, category, account_role, count(*) as users
from report_user_states
group by state, category, account_role;

comment on view report_users_by_state is
    'Number of users by state x category x account role; combinations without users are absent.';
comment on column report_users_by_state.state is 'pending, active or disabled (see report_user_states.state).';
comment on column report_users_by_state.category is 'GLOBAL_PUBLISHER or ORG_USER.';
comment on column report_users_by_state.account_role is
    'PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_PUBLISHER or DEVELOPER.';
comment on column report_users_by_state.users is 'Number of users.';

-- A lateral count per organization rather than one grouped join: a page of organizations
-- sorted by name (organization_view_name) then counts the members of that page only,
-- through user_membership_view_organization_role and the user_view key.
create view report_users_per_organization as
select o.organization_id, o.name, o.account_plan, c.*
from organization_view o
cross join lateral (
    select count(*)                                                as members,
           count(*) filter (where m.org_role = 'ORG_ADMIN')       as org_admins,
           count(*) filter (where m.org_role = 'ORG_PUBLISHER')   as org_publishers,
           count(*) filter (where m.org_role = 'DEVELOPER')       as developers,
           count(*) filter (where s.state = 'pending')            as pending,
           count(*) filter (where s.state = 'active')             as active,
           count(*) filter (where s.state = 'disabled')           as disabled
    from user_membership_view m
    join report_user_states s on s.user_id = m.user_id
    where m.organization_id = o.organization_id
) c;

comment on view report_users_per_organization is
    'Per organization: its members, by the role they hold in it and by their state. A user with '
    'memberships in several organizations counts in each.';
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

create view report_pending_activations as
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

create view report_pending_activations_by_age as
select b.age_bucket, count(p.user_id) as users
from (values (1, '< 1 day'), (2, '1-3 days'), (3, '3-7 days'), (4, '>= 7 days')) as b (position, age_bucket)
left join report_pending_activations p on p.age_bucket = b.age_bucket
group by b.position, b.age_bucket;

comment on view report_pending_activations_by_age is
    'Pending activations by age: < 1 day, 1-3 days, 3-7 days, >= 7 days. Every bucket has a row, '
    'with 0 when empty.';
comment on column report_pending_activations_by_age.age_bucket is 'The age bucket (lower bound included).';
comment on column report_pending_activations_by_age.users is 'Pending activations whose age is in the bucket.';

-- Pending accounts are few beside all accounts: the oldest of them, and their ages, are
-- read from this index alone rather than from a scan of every user.
create index user_view_pending_by_created on user_view (created_at, user_id)
    where enabled and activation = 'PENDING';

-- The states by category and role are read from this narrower index (index-only) rather
-- than from the whole rows.
create index user_view_by_state on user_view (enabled, activation, category, account_role);
