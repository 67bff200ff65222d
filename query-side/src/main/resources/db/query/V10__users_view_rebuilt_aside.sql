-- A rebuild of the users view replays the log into tables beside it, then swaps them in.
--
-- Before: a rebuild emptied user_view and user_membership_view and replayed the log into them.
-- Searches, reports and SCIM read a view that filled up from nothing for as long as the replay
-- took (about twelve minutes at a million users), and every replayed write paid for the view's
-- indexes (two trigram GIN indexes, five B-trees) and its report triggers: at a million users the
-- replay ran at a fifth of the speed of writing the same final rows once.
--
-- Now: users_view_rebuild_begin (the users processor's reset) makes empty tables beside the view
-- with the same columns, defaults, generated keys, checks and primary keys, and no other index,
-- no trigger and no foreign key; while users_view_rebuild holds its row, the users processor
-- writes into them (UserViewWriter), and everything else reads the view as it was, complete and
-- unchanged. Once the replay is done, users_view_rebuild_finish builds the view's indexes on them,
-- then swaps them in within one short transaction: the view's triggers on the new tables, the
-- views over them pointing at the new tables, the old tables dropped, the report figures made
-- equal to the new rows, the search heads marked not built (a query node builds them, V7).
--
-- Everything copied is read from the catalog (the indexes, triggers, foreign keys, statistics
-- targets, privileges and views as they are on the view when the rebuild finishes), so a later
-- migration that adds an index or a trigger to the view, or an operator's grant to a reporting
-- role, needs no change here.

-- Present while a rebuild is under way: its writes go to the tables aside. One row at most.
create table users_view_rebuild (
    one        boolean     not null default true primary key check (one),
    started_at timestamptz not null default now()
);
comment on table users_view_rebuild is
    'A row while the users view is rebuilt into user_view_next and user_membership_view_next (V10); none otherwise';

-- The view's two tables as their names resolve now (after a swap: the new ones).
create function users_view_tables() returns regclass[] language sql stable as $$
    select array[to_regclass('user_view'), to_regclass('user_membership_view')]
$$;

-- The table name of the one aside a view table.
create function users_view_next_name(tab regclass) returns text language sql stable as $$
    select relname || '_next' from pg_class where oid = tab
$$;

-- Starts (or starts again) a rebuild: empty tables aside, and the row that sends the users
-- processor's writes to them. A rebuild already under way loses what it had written.
create function users_view_rebuild_begin() returns void language plpgsql as $$
declare
    tab regclass;
    options text[];
begin
    -- the row first: a writer holding it (for key share) is done before the tables go
    insert into users_view_rebuild default values on conflict (one) do update set started_at = now();
    drop table if exists user_membership_view_next, user_view_next;
    foreach tab in array users_view_tables() loop
        execute format('create table %I (like %s including all excluding indexes)', users_view_next_name(tab), tab);
        -- the primary key (its upserts and deletes need it), named as the view's with _next after it
        execute (select format('alter table %I add constraint %I %s', users_view_next_name(tab), conname || '_next',
                               pg_get_constraintdef(oid))
                 from pg_constraint where conrelid = tab and contype = 'p');
        -- the storage options (V1's fillfactor)
        select reloptions into options from pg_class where oid = tab;
        if options is not null then
            execute format('alter table %I set (%s)', users_view_next_name(tab), array_to_string(options, ', '));
        end if;
    end loop;
end $$;

-- Finishes a rebuild whose replay is done: builds the view's indexes, foreign keys and statistics
-- targets on the tables aside and swaps them in. False if no rebuild is under way. Takes the
-- rebuild's row for update first, so the users processor's writers (which take it for key share
-- before they write) wait until it commits and then write into the new view; it then builds the
-- indexes (half a minute at a million users, readers of the view undisturbed), and locks the
-- view only for the swap itself.
create function users_view_rebuild_finish() returns boolean language plpgsql as $$
declare
    statement text;
    views text[];
    tabs regclass[] := users_view_tables();
begin
    perform from users_view_rebuild for update;
    if not found then
        return false;
    end if;
    if exists (select from pg_constraint where confrelid = tabs[1] and conrelid <> tabs[2]) then
        raise exception 'a table other than user_membership_view refers to user_view: the rebuild cannot swap it';
    end if;

    -- the indexes (but the primary keys), named as on the view with _next after the name
    for statement in
        select regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX (\S+) ON (\S+) ',
                              'CREATE \1INDEX \2_next ON \3_next ')
        from pg_index i where i.indrelid = any (tabs) and not i.indisprimary
    loop
        execute statement;
    end loop;
    -- the statistics targets set on columns (V9's search keys)
    for statement in
        select format('alter table %I alter column %I set statistics %s', users_view_next_name(a.attrelid),
                      a.attname, a.attstattarget)
        from pg_attribute a
        where a.attrelid = any (tabs) and a.attnum > 0 and not a.attisdropped and coalesce(a.attstattarget, -1) >= 0
    loop
        execute statement;
    end loop;
    -- the memberships' foreign key to the users, checked over every row here
    for statement in
        select format('alter table %I add constraint %I %s', users_view_next_name(c.conrelid), c.conname,
                      regexp_replace(pg_get_constraintdef(c.oid), 'REFERENCES (\S+)\(', 'REFERENCES \1_next('))
        from pg_constraint c where c.conrelid = any (tabs) and c.contype = 'f'
    loop
        execute statement;
    end loop;
    -- the privileges granted on the view (a reporting tool's role, say), as they stand
    for statement in
        select format('grant %s on %I to %s', a.privilege_type, users_view_next_name(c.oid),
                      case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end)
        from pg_class c cross join lateral aclexplode(c.relacl) a
        where c.oid = any (tabs) and a.grantee <> c.relowner
    loop
        execute statement;
    end loop;
    analyze user_view_next;
    analyze user_membership_view_next;
    -- the report figures of the new rows, counted before the view is locked (a second at a
    -- million users; no writer changes these rows any more, nor the view's)
    create temp table users_view_rebuild_counts on commit drop as
    select null::uuid as organization_id, null::text as org_role, report_state(enabled, activation) as state,
           category, account_role, count(*) as users
    from user_view_next
    group by 3, 4, 5
    union all
    select m.organization_id, m.org_role, report_state(u.enabled, u.activation), u.category, u.account_role, count(*)
    from user_membership_view_next m join user_view_next u on u.user_id = m.user_id
    group by 1, 2, 3, 4, 5;
    create temp table users_view_rebuild_pending on commit drop as
    select null::uuid as organization_id, report_pending_hour(enabled, activation, created_at) as created_hour,
           count(*) as users
    from user_view_next
    where enabled and activation = 'PENDING'
    group by 2
    union all
    select m.organization_id, report_pending_hour(u.enabled, u.activation, u.created_at), count(*)
    from user_membership_view_next m join user_view_next u on u.user_id = m.user_id
    where u.enabled and u.activation = 'PENDING'
    group by 1, 2;

    -- the swap: readers of the view wait from here to the commit
    lock table user_view, user_membership_view in access exclusive mode;
    for statement in
        select regexp_replace(pg_get_triggerdef(t.oid), ' ON (\S+) ', ' ON \1_next ')
        from pg_trigger t where t.tgrelid = any (tabs) and not t.tgisinternal
    loop
        execute statement;
    end loop;
    -- the views over the view, as they read now (the names they print are those of the view)
    select array_agg(format('create or replace view %s as %s', v.oid::regclass, pg_get_viewdef(v.oid)))
    into views
    from pg_class v
    where v.relkind = 'v' and exists (select from pg_rewrite r join pg_depend d on d.objid = r.oid
                                      where r.ev_class = v.oid and d.refobjid = any (tabs));
    alter table user_membership_view rename to user_membership_view_old;
    alter table user_view rename to user_view_old;
    alter table user_view_next rename to user_view;
    alter table user_membership_view_next rename to user_membership_view;
    foreach statement in array coalesce(views, '{}') loop
        execute statement;
    end loop;
    -- fails, and with it the whole swap, should anything still depend on them
    drop table user_membership_view_old, user_view_old;
    -- the indexes and primary keys by the view's names again
    tabs := users_view_tables();
    for statement in
        select case when k.conname is null then format('alter index %I rename to %I', c.relname, left(c.relname, -5))
                    else format('alter table %s rename constraint %I to %I', i.indrelid::regclass, k.conname,
                                left(k.conname, -5)) end
        from pg_index i join pg_class c on c.oid = i.indexrelid
        left join pg_constraint k on k.conindid = i.indexrelid and k.conrelid = i.indrelid
        where i.indrelid = any (tabs) and c.relname like '%\_next'
    loop
        execute statement;
    end loop;

    -- the report figures made equal to the new rows (the triggers count from here on): the new
    -- rows' figures counted above, less the figures as they stand
    insert into report_user_count_deltas (organization_id, org_role, state, category, account_role, users)
    select organization_id, org_role, state, category, account_role, sum(users)
    from (select organization_id, org_role, state, category, account_role, users from users_view_rebuild_counts
          union all
          select organization_id, org_role, state, category, account_role, -users
          from report_user_count_totals) d
    group by organization_id, org_role, state, category, account_role
    having sum(users) <> 0;
    insert into report_pending_count_deltas (organization_id, created_hour, users)
    select organization_id, created_hour, sum(users)
    from (select organization_id, created_hour, users from users_view_rebuild_pending
          union all
          select organization_id, created_hour, -users
          from report_pending_count_totals) d
    group by organization_id, created_hour
    having sum(users) <> 0;
    -- folded now (unless another transaction folds right now): readers sum the counts and the
    -- deltas, and a million users leave hundreds of thousands of pending deltas by hour
    perform report_counts_fold();

    perform search_heads_clear();
    delete from users_view_rebuild;
    return true;
end $$;
