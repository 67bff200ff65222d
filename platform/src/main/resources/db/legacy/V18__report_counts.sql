-- Pre-aggregated report figures (B6). The reports of V12 aggregate every user, and no index
-- makes an aggregate over every row 10x faster: these tables hold the counts themselves,
-- kept by statement-level triggers on user_view and user_membership_view in the very
-- transaction that changes the rows, so a report is as current as the rows it sums.
--
-- Concurrency: the users processor writes from several segments in parallel transactions,
-- each of several statements, and a count row is shared by many users. Updating count rows
-- from every writer would lock them in an order that differs between transactions (deadlocks)
-- unless all writers were serialized. So a writer only INSERTs its changes into a delta
-- table (no unique key: an insert never waits and never conflicts); at its first change in
-- a transaction it folds the deltas into the counts, only if it gets the advisory
-- transaction lock 7215180018 at once (pg_try_advisory_xact_lock: never waits). The lock
-- holder is the only transaction that updates count rows or deletes delta rows, until it
-- commits; it deletes only the deltas its statement sees (committed or its own) and adds
-- exactly those, in the same statement.
-- Nothing waits on anything, so nothing deadlocks, and every delta is counted exactly once:
-- either still in the delta table or folded. Readers sum counts and deltas in one snapshot
-- (the report_*_count_totals views), so they never see a delta twice or not at all.
--
-- The triggers assume each SQL statement changes one of the two tables (the users
-- projection's statements do). A user's state is the one of report_user_states: disabled
-- when not enabled, else lower(activation).

-- A user's state as the reports count it (report_user_states of V12), and the UTC hour a
-- pending user counts in; null when not pending. SQL functions: inlined where used.
create function report_state(enabled boolean, activation text) returns text
language sql immutable parallel safe as $$
    select case when not enabled then 'disabled' else lower(activation) end
$$;

create function report_pending_hour(enabled boolean, activation text, created_at timestamptz) returns timestamptz
language sql stable parallel safe as $$
    select case when enabled and activation = 'PENDING' then date_trunc('hour', created_at, 'UTC') end
$$;

create table report_user_counts (
    organization_id uuid,
    org_role        text,
    state           text   not null,
    category        text   not null,
    account_role    text   not null,
    users           bigint not null,
    constraint report_user_counts_key unique nulls not distinct (organization_id, org_role, state, category, account_role)
);

comment on table report_user_counts is
    'Users by state x category x account role: for all users (organization_id and org_role null) and for the '
    'members of each organization by the role they hold there. Folded from report_user_count_deltas; read through '
    'report_user_count_totals. Rows may be 0.';
comment on column report_user_counts.organization_id is 'The organization; null: every user, members or not.';
comment on column report_user_counts.org_role is 'The role held in the organization; null with organization_id.';
comment on column report_user_counts.state is 'pending, active or disabled (see report_user_states.state).';
comment on column report_user_counts.category is 'GLOBAL_PUBLISHER or ORG_USER.';
comment on column report_user_counts.account_role is 'PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_PUBLISHER or DEVELOPER.';
comment on column report_user_counts.users is 'Number of users (memberships for an organization).';

create table report_user_count_deltas (
    organization_id uuid,
    org_role        text,
    state           text   not null,
    category        text   not null,
    account_role    text   not null,
    users           bigint not null
);

comment on table report_user_count_deltas is
    'Changes to report_user_counts not folded in yet (written by the triggers, insert only; see V18).';

create table report_pending_counts (
    organization_id uuid,
    created_hour    timestamptz not null,
    users           bigint      not null,
    constraint report_pending_counts_key unique nulls not distinct (organization_id, created_hour)
);

comment on table report_pending_counts is
    'Pending activations (enabled, activation PENDING) by the UTC hour of their creation: for all users '
    '(organization_id null) and for the members of each organization. Folded from report_pending_count_deltas; '
    'read through report_pending_count_totals. Rows may be 0.';
comment on column report_pending_counts.organization_id is 'The organization; null: every user.';
comment on column report_pending_counts.created_hour is 'date_trunc(''hour'', created_at, ''UTC'').';
comment on column report_pending_counts.users is 'Number of pending users created in that hour.';

create table report_pending_count_deltas (
    organization_id uuid,
    created_hour    timestamptz not null,
    users           bigint      not null
);

comment on table report_pending_count_deltas is
    'Changes to report_pending_counts not folded in yet (written by the triggers, insert only; see V18).';

create view report_user_count_totals as
select organization_id, org_role, state, category, account_role, sum(users)::bigint as users
from (select organization_id, org_role, state, category, account_role, users from report_user_counts
      union all
      select organization_id, org_role, state, category, account_role, users from report_user_count_deltas) c
group by organization_id, org_role, state, category, account_role;

comment on view report_user_count_totals is
    'report_user_counts with the deltas not folded yet: the exact figures as of the reading statement.';
comment on column report_user_count_totals.organization_id is 'The organization; null: every user.';
comment on column report_user_count_totals.org_role is 'The role held in the organization; null with organization_id.';
comment on column report_user_count_totals.state is 'pending, active or disabled.';
comment on column report_user_count_totals.category is 'GLOBAL_PUBLISHER or ORG_USER.';
comment on column report_user_count_totals.account_role is 'PORTAL_ADMIN, API_OWNER, ORG_ADMIN, ORG_PUBLISHER or DEVELOPER.';
comment on column report_user_count_totals.users is 'Number of users (memberships for an organization); may be 0.';

create view report_pending_count_totals as
select organization_id, created_hour, sum(users)::bigint as users
from (select organization_id, created_hour, users from report_pending_counts
      union all
      select organization_id, created_hour, users from report_pending_count_deltas) c
group by organization_id, created_hour;

comment on view report_pending_count_totals is
    'report_pending_counts with the deltas not folded yet: the exact figures as of the reading statement.';
comment on column report_pending_count_totals.organization_id is 'The organization; null: every user.';
comment on column report_pending_count_totals.created_hour is 'The UTC hour in which the users were created.';
comment on column report_pending_count_totals.users is 'Number of pending users created in that hour; may be 0.';

-- The deltas into the counts, by the holder of the lock only (see the top of this file).
-- Tried once per transaction, at its first change: a count row updated again and again in
-- one transaction leaves a chain of versions that every later update walks (and the deleted
-- deltas stay until it ends), so a long batch would slow down with each statement. The
-- deltas of its later statements wait for the next transaction's fold; the totals add them.
create function report_counts_fold() returns void language plpgsql as $$
begin
    if current_setting('report_counts.fold_tried', true) = 'on' then
        return;
    end if;
    perform set_config('report_counts.fold_tried', 'on', true);
    if not pg_try_advisory_xact_lock(7215180018) then
        return;
    end if;
    with moved as (delete from report_user_count_deltas returning *)
    insert into report_user_counts as c (organization_id, org_role, state, category, account_role, users)
    select organization_id, org_role, state, category, account_role, sum(users)
    from moved
    group by organization_id, org_role, state, category, account_role
    having sum(users) <> 0
    on conflict on constraint report_user_counts_key do update set users = c.users + excluded.users;

    with moved as (delete from report_pending_count_deltas returning *)
    insert into report_pending_counts as c (organization_id, created_hour, users)
    select organization_id, created_hour, sum(users)
    from moved
    group by organization_id, created_hour
    having sum(users) <> 0
    on conflict on constraint report_pending_counts_key do update set users = c.users + excluded.users;
end $$;

-- New user rows (their memberships come after them: foreign key, their own trigger counts
-- them) and deleted ones (their memberships were deleted before, as the projection's reset
-- does, or by the cascade, whose own trigger then recounts those organizations): the rows'
-- figures for all users, added or taken away.
create function report_counts_user_rows() returns trigger language plpgsql as $$
declare
    sign int := case tg_op when 'INSERT' then 1 else -1 end;
    written bigint;
begin
    with states as (
             insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
             select null, null, report_state(enabled, activation), category, account_role, sign * count(*)
             from changed_users
             group by 3, 4, 5
             returning 1),
         pending as (
             insert into report_pending_count_deltas (organization_id, created_hour, users)
             select null, report_pending_hour(enabled, activation, created_at), sign * count(*)
             from changed_users
             where enabled and activation = 'PENDING'
             group by 2)
    select count(*) from states into written;
    if written > 0 then -- none: e.g. ON CONFLICT DO NOTHING
        perform report_counts_fold();
    end if;
    return null;
end $$;

-- Changed user rows: the users whose state, category, role or pending hour changed move from
-- their old figures to their new ones, for all users and in each organization they are a
-- member of now (the memberships as this statement left them). Most updates (names,
-- emails, versions) change none of these and write nothing.
create function report_counts_user_update() returns trigger language plpgsql as $$
declare
    written bigint;
begin
    -- the cheap question first: most updates change none of the counted columns
    if not exists (select from old_users o left join new_users n on n.user_id = o.user_id
                   where n.user_id is null
                      or (o.enabled, o.activation, o.category, o.account_role, o.created_at)
                         is distinct from (n.enabled, n.activation, n.category, n.account_role, n.created_at)) then
        return null;
    end if;
    with o as (select user_id, report_state(enabled, activation) as state, category, account_role,
                      report_pending_hour(enabled, activation, created_at) as pending_hour
               from old_users),
         n as (select user_id, report_state(enabled, activation) as state, category, account_role,
                      report_pending_hour(enabled, activation, created_at) as pending_hour
               from new_users),
         changed as materialized (
             select o.user_id, o.state, o.category, o.account_role, o.pending_hour, -1 as users
             from o left join n on n.user_id = o.user_id
             where n.user_id is null
                or (o.state, o.category, o.account_role, o.pending_hour)
                   is distinct from (n.state, n.category, n.account_role, n.pending_hour)
             union all
             select n.user_id, n.state, n.category, n.account_role, n.pending_hour, 1
             from n left join o on o.user_id = n.user_id
             where o.user_id is null
                or (o.state, o.category, o.account_role, o.pending_hour)
                   is distinct from (n.state, n.category, n.account_role, n.pending_hour)),
         counted as materialized (
             select null::uuid as organization_id, null::text as org_role, state, category, account_role, pending_hour, users
             from changed
             union all
             select m.organization_id, m.org_role, c.state, c.category, c.account_role, c.pending_hour, c.users
             from changed c join user_membership_view m on m.user_id = c.user_id),
         states as (
             insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
             select organization_id, org_role, state, category, account_role, sum(users)
             from counted
             group by organization_id, org_role, state, category, account_role
             having sum(users) <> 0
             returning 1),
         pending as (
             insert into report_pending_count_deltas (organization_id, created_hour, users)
             select organization_id, pending_hour, sum(users)
             from counted
             where pending_hour is not null
             group by organization_id, pending_hour
             having sum(users) <> 0
             returning 1)
    select (select count(*) from states) + (select count(*) from pending) into written;
    if written > 0 then
        perform report_counts_fold();
    end if;
    return null;
end $$;

-- Memberships added or removed: the member's figures (its current row) in the organization
-- and role it joins or leaves. When user rows are deleted with their memberships still
-- there, the foreign key's cascade deletes those memberships after the users' rows are gone
-- (this trigger fires after the user_view one), so their figures cannot be looked up: the
-- organizations concerned are recounted from their rows instead (exact: the recount and the
-- figures it corrects are read in one snapshot).
create function report_counts_membership_rows() returns trigger language plpgsql as $$
declare
    sign int := case tg_op when 'INSERT' then 1 else -1 end;
    written bigint;
    orphaned uuid[];
begin
    with members as materialized (
             select m.organization_id, m.org_role, u.enabled, u.activation, u.category, u.account_role, u.created_at
             from changed_memberships m join user_view u on u.user_id = m.user_id),
         states as (
             insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
             select organization_id, org_role, report_state(enabled, activation), category, account_role,
                    sign * count(*)
             from members
             group by 1, 2, 3, 4, 5
             returning 1),
         pending as (
             insert into report_pending_count_deltas (organization_id, created_hour, users)
             select organization_id, report_pending_hour(enabled, activation, created_at), sign * count(*)
             from members
             where enabled and activation = 'PENDING'
             group by 1, 2)
    select count(*) from states into written;
    if tg_op = 'DELETE' then
        select array_agg(distinct m.organization_id) into orphaned
        from changed_memberships m
        where not exists (select from user_view u where u.user_id = m.user_id);
        if orphaned is not null then
            perform report_counts_recount(orphaned);
            written := written + 1;
        end if;
    end if;
    if written > 0 then
        perform report_counts_fold();
    end if;
    return null;
end $$;

-- Memberships changed in place: the figures move from the old organization and role to the new.
create function report_counts_membership_update() returns trigger language plpgsql as $$
declare
    written bigint;
begin
    with counted as materialized (
             select m.organization_id, m.org_role, m.user_id, -1 as users from old_memberships m
             union all
             select m.organization_id, m.org_role, m.user_id, 1 from new_memberships m),
         keyed as materialized (
             select c.organization_id, c.org_role, report_state(u.enabled, u.activation) as state,
                    u.category, u.account_role, report_pending_hour(u.enabled, u.activation, u.created_at) as pending_hour,
                    c.users
             from counted c join user_view u on u.user_id = c.user_id),
         states as (
             insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
             select organization_id, org_role, state, category, account_role, sum(users)
             from keyed
             group by organization_id, org_role, state, category, account_role
             having sum(users) <> 0
             returning 1),
         pending as (
             insert into report_pending_count_deltas (organization_id, created_hour, users)
             select organization_id, pending_hour, sum(users)
             from keyed
             where pending_hour is not null
             group by organization_id, pending_hour
             having sum(users) <> 0
             returning 1)
    select (select count(*) from states) + (select count(*) from pending) into written;
    if written > 0 then
        perform report_counts_fold();
    end if;
    return null;
end $$;

-- The figures of these organizations made equal to their rows: the difference between a
-- fresh count and the figures as they stand goes in as a delta.
create function report_counts_recount(organizations uuid[]) returns void language sql as $$
    insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
    select organization_id, org_role, state, category, account_role, sum(users)
    from (select m.organization_id, m.org_role, report_state(u.enabled, u.activation) as state,
                 u.category, u.account_role, count(*) as users
          from user_membership_view m join user_view u on u.user_id = m.user_id
          where m.organization_id = any (organizations)
          group by 1, 2, 3, 4, 5
          union all
          select organization_id, org_role, state, category, account_role, -users
          from report_user_count_totals
          where organization_id = any (organizations)) d
    group by organization_id, org_role, state, category, account_role
    having sum(users) <> 0;

    insert into report_pending_count_deltas (organization_id, created_hour, users)
    select organization_id, created_hour, sum(users)
    from (select m.organization_id, report_pending_hour(u.enabled, u.activation, u.created_at) as created_hour,
                 count(*) as users
          from user_membership_view m join user_view u on u.user_id = m.user_id
          where m.organization_id = any (organizations) and u.enabled and u.activation = 'PENDING'
          group by 1, 2
          union all
          select organization_id, created_hour, -users
          from report_pending_count_totals
          where organization_id = any (organizations)) d
    group by organization_id, created_hour
    having sum(users) <> 0;
$$;

-- TRUNCATE (the reset of the users projection): the figures of the truncated table go.
-- TRUNCATE waits for every transaction that wrote the table, so no other transaction holds
-- a change to these figures that is not committed yet.
create function report_counts_truncate() returns trigger language plpgsql as $$
declare
    everything boolean := tg_table_name = 'user_view';
begin
    if pg_try_advisory_xact_lock(7215180018) then
        delete from report_user_count_deltas where everything or organization_id is not null;
        delete from report_user_counts where everything or organization_id is not null;
        delete from report_pending_count_deltas where everything or organization_id is not null;
        delete from report_pending_counts where everything or organization_id is not null;
    else
        -- another transaction folds right now: cancel the figures with deltas instead
        insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
        select organization_id, org_role, state, category, account_role, -users
        from report_user_count_totals
        where (everything or organization_id is not null) and users <> 0;
        insert into report_pending_count_deltas (organization_id, created_hour, users)
        select organization_id, created_hour, -users
        from report_pending_count_totals
        where (everything or organization_id is not null) and users <> 0;
    end if;
    return null;
end $$;

-- Transition tables need one trigger per event.
create trigger report_counts_insert after insert on user_view
    referencing new table as changed_users for each statement execute function report_counts_user_rows();
create trigger report_counts_update after update on user_view
    referencing old table as old_users new table as new_users for each statement execute function report_counts_user_update();
create trigger report_counts_delete after delete on user_view
    referencing old table as changed_users for each statement execute function report_counts_user_rows();
create trigger report_counts_truncate after truncate on user_view
    for each statement execute function report_counts_truncate();
create trigger report_counts_insert after insert on user_membership_view
    referencing new table as changed_memberships for each statement execute function report_counts_membership_rows();
create trigger report_counts_update after update on user_membership_view
    referencing old table as old_memberships new table as new_memberships
    for each statement execute function report_counts_membership_update();
create trigger report_counts_delete after delete on user_membership_view
    referencing old table as changed_memberships for each statement execute function report_counts_membership_rows();
create trigger report_counts_truncate after truncate on user_membership_view
    for each statement execute function report_counts_truncate();

-- The figures of the rows already there (a database migrated with data). The triggers
-- above already count what commits from now on; the lock keeps writers out until then.
lock table user_view, user_membership_view in share row exclusive mode;

insert into report_user_counts (organization_id, org_role, state, category, account_role, users)
select null, null, report_state(enabled, activation), category, account_role, count(*)
from user_view
group by 3, 4, 5
union all
select m.organization_id, m.org_role, report_state(u.enabled, u.activation), u.category, u.account_role, count(*)
from user_membership_view m join user_view u on u.user_id = m.user_id
group by 1, 2, 3, 4, 5;

insert into report_pending_counts (organization_id, created_hour, users)
select null, report_pending_hour(enabled, activation, created_at), count(*)
from user_view
where enabled and activation = 'PENDING'
group by 2
union all
select m.organization_id, report_pending_hour(u.enabled, u.activation, u.created_at), count(*)
from user_membership_view m join user_view u on u.user_id = m.user_id
where u.enabled and u.activation = 'PENDING'
group by 1, 2;

-- The reports of V12 from the counts: same columns, same figures.

create or replace view report_users_by_state as
select state, category, account_role, users
from report_user_count_totals
where organization_id is null and users > 0;

comment on view report_users_by_state is
    'Number of users by state x category x account role; combinations without users are absent. '
    'Read from report_user_counts (V18).';

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
    'memberships in several organizations counts in each. Read from report_user_counts (V18).';

-- Pending activations by age from the hourly counts: the hours wholly inside an age range
-- are summed (those of the last 7 days; the total comes from report_user_counts); only the
-- hour a bound falls in is counted row by row, through the partial index
-- user_view_pending_by_created (an hour of pending users per bound at most). Ages are
-- exact: a bound is now() minus 24, 72 or 168 hours, as now() - created_at < '1 day'.
-- PL/pgSQL rather than SQL: its statements are planned once per session, and planning
-- would cost more than running them.
create function report_pending_by_age(organization uuid) returns table (age_bucket text, users bigint)
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
    'with 0 when empty. Read from report_pending_counts (V18).';

create view report_pending_activations_by_age_per_organization as
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
