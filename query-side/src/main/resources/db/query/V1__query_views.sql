-- The query side's tables: the read models its streaming processors write (each in the
-- transaction that moves the processor's token in tokenentry), the search support on them and
-- the report figures kept by triggers. History: query_schema_history; migrated after the
-- platform's (db/platform). Nothing here refers to a command-side table: a query-side node
-- may run without the command side's schema in its database.
--
-- The report views BI tools read are in R__report_views.sql, defined once and replaced
-- whenever that file changes; only the views the count functions below need are here.
--
-- A database migrated before each module had its own schema (flyway_schema_history, the
-- scripts in db/legacy) already has every object below in exactly this shape: there this file
-- is not run, its version is recorded as the baseline (ModuleMigrations).


-- Organizations and the portal settings, as their processors have them. version is the
-- aggregate sequence number of the last event applied: the ETag, and the guard that makes a
-- redelivered event change nothing (the same in every view below).

create table organization_view (
    organization_id uuid        not null primary key,
    name            text        not null,
    account_plan    text        not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    version         bigint      not null
);
create index organization_view_name on organization_view (lower(name), organization_id);

create table settings_view (
    settings_id                      text        not null primary key,
    sso_enabled                      boolean     not null,
    third_party_registration_enabled boolean     not null,
    registration_workflow_enabled    boolean     not null,
    updated_at                       timestamptz not null,
    version                          bigint      not null
);


-- The users read model, written by the "users" streaming processor.
--
-- fillfactor 80: most updates of a row change no indexed column (a language, a name kept,
-- updated_at and version); with room left in each page they are HOT updates, which write no
-- index entry (not even in the trigram GIN indexes). That keeps a rebuild of the view cheap.
create table user_view (
    user_id               uuid        not null primary key,
    username              text        not null,
    email                 text        not null,
    first_name            text        not null,
    last_name             text        not null,
    full_name             text        not null,
    language              text        not null,
    category              text        not null,
    account_role          text        not null,
    source                text        not null,
    scheme_id             uuid,
    enabled               boolean     not null,
    activation            text        not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    version               bigint      not null,
    -- the latest invitation: ISSUED, USED or REVOKED (by a resend's successor, an email
    -- change or a disable); null when none was issued. Expiry is shown from expires_at.
    invitation_status     text,
    invitation_issued_at  timestamptz,
    invitation_expires_at timestamptz,
    -- the latest invitation's id, so that its delivery (mail_outbox) can be shown beside it
    invitation_id         uuid
) with (fillfactor = 80);

-- An Org User's memberships, replaced as a whole by each MembershipsChanged. No foreign
-- key to organizations: their view is built by another processor, at its own pace.
create table user_membership_view (
    user_id         uuid not null references user_view (user_id) on delete cascade,
    organization_id uuid not null,
    org_role        text not null,
    primary key (user_id, organization_id)
);
create index user_membership_view_organization on user_membership_view (organization_id);

create index user_view_invitation on user_view (invitation_id);


-- User search (R-SEARCH-1..4). A name term matches when it is a substring of "First Last"
-- (full_name), which also holds every substring of the first and of the last name; an
-- email term when it is a substring of the email. Both case-insensitively. pg_trgm is a
-- trusted extension (PostgreSQL 13+): the database owner may create it.
create extension if not exists pg_trgm;

-- pg_trgm only makes trigrams of letters and digits, so a trigram index on the plain text
-- could not help a term like '@@@', '.com', 'e.c' or '%_\' at all: every row was checked. The
-- search key is the lower-cased text with each ASCII space or punctuation character replaced
-- by a Greek small letter (one letter each for the frequent ones, kappa for the rest), which
-- pg_trgm counts as a letter in a UTF-8 database. Punctuation then takes part in trigrams:
-- '.com' becomes 'βcom'. Greek letters of real names map to themselves, so a term finds every
-- row that contains it, plus at most some rows with Greek letters where the term has
-- punctuation: the queries recheck each candidate with strpos on the lower-cased text, which
-- alone decides (a false candidate costs time, never a wrong result). Under a locale where
-- these letters are not word characters, pg_trgm treats them like punctuation in the index
-- and in the term alike: still correct, only slower. The map replaces %, _ and \ too, so a
-- translated term is a LIKE pattern with no wildcards.
create function user_search_key(text) returns text
    language sql immutable strict parallel safe
as $$ select translate(lower($1), ' !"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', 'ακκκκθκζκκκηκδβκκκκκκκγκικκεκκκκκ') $$;

-- One GIN index per searched column (each costs every write).
create index user_view_full_name_key on user_view using gin (user_search_key(full_name) gin_trgm_ops);
create index user_view_email_key on user_view using gin (user_search_key(email) gin_trgm_ops);
-- The planner estimates how many rows a term matches from a sample of the search keys; it
-- decides between walking a sort index (many matches) and the trigram index (few), and a walk
-- for a term that matches nearly nothing reads the whole index. 1,000 sampled values (instead of
-- 100) resolve about 0.1% of the rows, the order of the count cap at a million users.
alter index user_view_full_name_key alter column 1 set statistics 1000;
alter index user_view_email_key alter column 1 set statistics 1000;

-- The sort orders of the list, each ending in the id that breaks ties, so that a page is read
-- in index order and pages never overlap. Names and emails sort in the code-point order of
-- their lower-cased text (collation "C") in pages and typeahead alike, whatever the database's
-- collation: only with "C" can a b-tree serve the typeahead's "starts with" (LIKE 'abc%') as
-- a range, in that same order.
create index user_view_by_created on user_view (created_at, user_id);
create index user_view_by_name on user_view (lower(full_name) collate "C", user_id);
create index user_view_by_email on user_view (lower(email) collate "C", user_id);

-- Filters: the account role (and with it the category), and membership in an
-- organization with a role, which is also what an Org Admin's visibility checks.
create index user_view_by_role on user_view (account_role, lower(full_name) collate "C", user_id);
create index user_membership_view_organization_role on user_membership_view (organization_id, org_role, user_id);

-- Pending accounts are few beside all accounts: the oldest of them, and their ages, are
-- read from this index alone rather than from a scan of every user.
create index user_view_pending_by_created on user_view (created_at, user_id)
    where enabled and activation = 'PENDING';

-- The states by category and role are read from this narrower index (index-only) rather
-- than from the whole rows.
create index user_view_by_state on user_view (enabled, activation, category, account_role);


-- Self-registration (R-REG-1..4): registration requests as Portal Admins list them. A
-- submission that named an email or username of an existing user is not a request and has
-- no row (R-REG-4).
create table registration_view (
    registration_id   uuid        not null primary key,
    username          text        not null,
    email             text        not null,
    first_name        text        not null,
    last_name         text        not null,
    language          text        not null,
    organization_name text        not null,
    -- PENDING, ACCEPTED (organization and user being created), COMPLETED, REJECTED, EXPIRED, FAILED
    status            text        not null,
    awaits_approval   boolean     not null,
    submitted_at      timestamptz not null,
    expires_at        timestamptz,
    decided_at        timestamptz,
    decided_by        text,
    reason            text,
    organization_id   uuid,
    user_id           uuid,
    failure_code      text,
    completed_at      timestamptz,
    version           bigint      not null
);
create index registration_view_submitted on registration_view (submitted_at desc, registration_id);
create index registration_view_status_submitted on registration_view (status, submitted_at desc, registration_id);


-- Pre-aggregated report figures. An aggregate over every user is slow whatever the indexes:
-- these tables hold the counts themselves, kept by statement-level triggers on user_view and
-- user_membership_view in the very transaction that changes the rows, so a report is as
-- current as the rows it sums.
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
--
-- The two report_*_count_totals views are here, not with the report views: the count
-- functions read them, and a SQL function's body must name existing objects.

-- A user's state as the reports count it (report_user_states), and the UTC hour a
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

-- as older databases have it; V2 rewords it
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

-- as older databases have it; V2 rewords it
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

-- The deltas into the counts, by the holder of the lock only (see "Pre-aggregated report figures" above).
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

