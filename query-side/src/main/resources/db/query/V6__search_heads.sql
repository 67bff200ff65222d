-- Search heads: the first users, in the order of the name (email) index, of each three-character
-- window ("trigram") of the lower-cased names (emails).
--
-- Why: a term with more matches than the count cap shows the first page of its matches in name
-- order. The trigram index finds the matches but not in that order, and a walk of the name index
-- finds them in order but reads every name before the first match: "tri" matches 42,000 of a
-- million users, all of them "Patricia ...", two thirds down the index. Sorting every match
-- took a third of a second. Every match of a term has each of the term's trigrams, so the first
-- matches of the term, in order, are among the first users of any of its trigrams: a head holds
-- those, and a common term's first page reads a few hundred rows instead of every match.
--
-- What a head promises (the only thing readers rely on): for a trigram with a bound
-- (search_head_bound), every user whose key has the trigram and whose (key, id) is at most the
-- bound has an entry; without a bound, every user with the trigram has one. Entries past the
-- bound may linger; readers ignore them. The bound only ever moves down, so a writer that saw an
-- older (higher) bound and added an entry past the newer one did no harm.
--
-- Concurrency (the users processor writes from several segments at once, each transaction of
-- several statements): writers only insert entries (no unique key: an insert never waits) and
-- delete those of their own users (a user's rows are written by one segment at a time). Only
-- the holder of the advisory transaction lock 7215180019, taken with pg_try_advisory_xact_lock
-- (never waits), lowers bounds, and it deletes entries past a bound only among those no other
-- transaction has locked (for update skip locked). Nothing waits on anything a waiter holds, so
-- nothing deadlocks.

-- Building the heads of the users already in the view (at the end) reads every name and email:
-- about two minutes at a million users, past the pool's statement timeout.
set local statement_timeout = 0;

create table search_head (
    field    "char" not null, -- 'n': lower(full_name), 'e': lower(email)
    trigram  text   not null,
    sort_key text   collate "C" not null,
    user_id  uuid   not null
);
create index search_head_order on search_head (field, trigram, sort_key, user_id);
create index search_head_user on search_head (user_id);

create table search_head_bound (
    field    "char" not null,
    trigram  text   not null,
    sort_key text   collate "C" not null,
    user_id  uuid   not null,
    primary key (field, trigram)
);

-- How many entries a head keeps when it is trimmed; it is trimmed when it holds twice as many.
-- A page is served from a head when its filtered entries fill it: 200 covers the typeahead (20)
-- and the first pages of a search even when filters keep one user in five.
create table search_head_size (
    only_row boolean primary key default true check (only_row),
    entries  int not null check (entries > 0)
);
insert into search_head_size (entries) values (200);

-- The distinct trigrams of a key (lower-cased text), as strpos would find them: characters, not bytes.
create function search_trigrams(key text) returns setof text
    language sql immutable strict parallel safe rows 20
as $$ select distinct substr(key, i, 3) from generate_series(1, char_length(key) - 2) as i $$;

-- Adds the entries of changed keys to the heads that must hold them, then trims the heads it
-- added to that passed twice their size. Only while it holds the trimming lock (taken without
-- waiting) does a writer bound heads: then of a statement's many new keys with one trigram (a
-- bulk load, a replay's batch) it adds only the first head-size ones and bounds the head below
-- the rest, instead of adding them all to trim them away.
create function search_heads_add(fields "char"[], keys text[], ids uuid[]) returns void
    language plpgsql
as $$
declare
    head_size int := (select entries from search_head_size);
    trimming boolean := pg_try_advisory_xact_lock(7215180019);
    touched_fields "char"[];
    touched_trigrams text[];
begin
    with candidates as (
        select c.field, t.trigram, c.sort_key collate "C" as sort_key, c.user_id,
               row_number() over (partition by c.field, t.trigram order by c.sort_key collate "C", c.user_id) as n
        from unnest(fields, keys, ids) as c(field, sort_key, user_id)
        cross join lateral search_trigrams(c.sort_key) as t(trigram)
        left join search_head_bound b on b.field = c.field and b.trigram = t.trigram
        where b.trigram is null or (c.sort_key collate "C", c.user_id) <= (b.sort_key, b.user_id)),
    cut as (
        insert into search_head_bound as b (field, trigram, sort_key, user_id)
        select c.field, c.trigram, c.sort_key, c.user_id from candidates c
        where trimming and c.n = head_size
          and exists (select from candidates m where m.field = c.field and m.trigram = c.trigram and m.n > head_size)
        on conflict (field, trigram) do update
            set sort_key = case when (excluded.sort_key, excluded.user_id) < (b.sort_key, b.user_id)
                                then excluded.sort_key else b.sort_key end,
                user_id = case when (excluded.sort_key, excluded.user_id) < (b.sort_key, b.user_id)
                               then excluded.user_id else b.user_id end),
    added as (
        insert into search_head (field, trigram, sort_key, user_id)
        select field, trigram, sort_key, user_id from candidates
        where not trimming or n <= head_size
        returning field, trigram)
    select array_agg(field), array_agg(trigram) into touched_fields, touched_trigrams
    from (select distinct field, trigram from added) d;
    if touched_fields is null or not trimming then
        return;
    end if;
    with over as (
        -- heads with more than twice their size, and their new bound: the head_size-th entry
        -- (never above the bound they had: entries past it may be missing)
        select t.field, t.trigram, nth.sort_key, nth.user_id
        from unnest(touched_fields, touched_trigrams) as t(field, trigram)
        cross join lateral (select 1 from search_head h where h.field = t.field and h.trigram = t.trigram
                            order by h.sort_key, h.user_id offset 2 * head_size limit 1) as big
        cross join lateral (select h.sort_key, h.user_id from search_head h
                            where h.field = t.field and h.trigram = t.trigram
                            order by h.sort_key, h.user_id offset head_size - 1 limit 1) as nth),
    bounded as (
        insert into search_head_bound as b (field, trigram, sort_key, user_id)
        select field, trigram, sort_key, user_id from over
        on conflict (field, trigram) do update
            set sort_key = case when (excluded.sort_key, excluded.user_id) < (b.sort_key, b.user_id)
                                then excluded.sort_key else b.sort_key end,
                user_id = case when (excluded.sort_key, excluded.user_id) < (b.sort_key, b.user_id)
                               then excluded.user_id else b.user_id end
        returning b.field, b.trigram, b.sort_key, b.user_id)
    delete from search_head h
    where h.ctid in (select p.ctid from search_head p join bounded n on p.field = n.field and p.trigram = n.trigram
                     where (p.sort_key, p.user_id) > (n.sort_key, n.user_id)
                     for update of p skip locked);
end
$$;

create function search_heads_inserted() returns trigger language plpgsql as $$
begin
    perform search_heads_add(array_agg(c.field), array_agg(c.sort_key), array_agg(c.user_id))
    from (select 'n'::"char" as field, lower(n.full_name) as sort_key, n.user_id from new_users n
          union all
          select 'e'::"char", lower(n.email), n.user_id from new_users n) as c;
    return null;
end
$$;

create function search_heads_updated() returns trigger language plpgsql as $$
declare
    fields "char"[];
    keys text[];
    ids uuid[];
begin
    -- only keys that changed: most updates (state, invitation, version) leave the heads alone
    select array_agg(c.field), array_agg(c.sort_key), array_agg(c.user_id) into fields, keys, ids
    from (select 'n'::"char" as field, lower(n.full_name) as sort_key, n.user_id
          from new_users n join old_users o on o.user_id = n.user_id
          where lower(n.full_name) <> lower(o.full_name)
          union all
          select 'e'::"char", lower(n.email), n.user_id
          from new_users n join old_users o on o.user_id = n.user_id
          where lower(n.email) <> lower(o.email)) as c;
    if fields is null then
        return null;
    end if;
    delete from search_head h using unnest(fields, ids) as c(field, user_id)
    where h.user_id = c.user_id and h.field = c.field;
    perform search_heads_add(fields, keys, ids);
    return null;
end
$$;

create function search_heads_deleted() returns trigger language plpgsql as $$
begin
    delete from search_head h using old_users o where h.user_id = o.user_id;
    return null;
end
$$;

create function search_heads_truncated() returns trigger language plpgsql as $$
begin
    truncate search_head, search_head_bound;
    return null;
end
$$;

create trigger search_heads_insert after insert on user_view
    referencing new table as new_users for each statement execute function search_heads_inserted();
create trigger search_heads_update after update on user_view
    referencing old table as old_users new table as new_users for each statement execute function search_heads_updated();
create trigger search_heads_delete after delete on user_view
    referencing old table as old_users for each statement execute function search_heads_deleted();
create trigger search_heads_truncate after truncate on user_view
    for each statement execute function search_heads_truncated();

-- Every head built afresh from the view: each trigram's first entries in order, and a bound
-- where there are more. Writers wait meanwhile (the share lock), so none is missed. For the
-- users already in the view, and for an operator after changing the heads' size.
create function search_heads_rebuild() returns void language plpgsql as $$
declare
    head_size int := (select entries from search_head_size);
begin
    lock table user_view in share mode;
    truncate search_head, search_head_bound;
    insert into search_head (field, trigram, sort_key, user_id)
    select field, trigram, sort_key, user_id
    from (select k.field, t.trigram, k.sort_key, k.user_id,
                 row_number() over (partition by k.field, t.trigram order by k.sort_key, k.user_id) as n
          from (select 'n'::"char" as field, lower(full_name) collate "C" as sort_key, user_id from user_view
                union all
                select 'e'::"char", lower(email) collate "C", user_id from user_view) as k
          cross join lateral search_trigrams(k.sort_key) as t(trigram)) as ranked
    where n <= head_size;
    insert into search_head_bound (field, trigram, sort_key, user_id)
    select field, trigram, sort_key, user_id
    from (select field, trigram, sort_key, user_id,
                 row_number() over (partition by field, trigram order by sort_key, user_id) as n
          from search_head) as ranked
    where n = head_size;
end
$$;

select search_heads_rebuild();
