-- The search heads (V6) kept more cheaply; what a head promises is V6's.
--
-- 1. The writer's trim in one step. In V6 the holder of the trimming lock bounded a head below a
--    bulk statement's left-out keys in one step and the heads grown past twice their size in a
--    second, with two copies of one upsert, the first looking through every candidate again for
--    each head it bounded. Now one step bounds both kinds of head: those of which this statement
--    left new keys out, and those grown past twice their size, at the head's head-size-th entry,
--    never above the bound it had (entries past that one may be missing); the head loses its
--    entries past the bound.
--
-- 2. None kept while the users view is replayed. A rebuild empties the view and replays the log
--    into it: every user's thirty-odd trigrams went into the heads as it came, and only the
--    segment holding the trimming lock bounded them, which made a replay four times slower
--    (1,200 events a second against 7,000 at a million users). Now emptying the view marks the
--    heads not built; while they are not, writers leave them alone and searches do not read them
--    (they read every match); once the replay is done a query node builds them from the view
--    (search_heads_build_if_missing) and writers keep them from then on.

alter table search_head_size add column built boolean not null default true;
comment on column search_head_size.built is
    'false from an emptying of user_view (a rebuild) until the heads are built again; writers skip them meanwhile, and readers do not read them';

-- Adds the entries of changed keys to the heads that must hold them, unless the heads are not
-- built. The writer holding the trimming lock (taken without waiting) then bounds the heads it
-- added to that passed twice their size, and those of which it left new keys out: of a
-- statement's many new keys with one trigram (a bulk load, a replay's batch) it adds only the
-- first head-size ones, instead of adding them all to trim them away.
create or replace function search_heads_add(fields "char"[], keys text[], ids uuid[]) returns void
    language plpgsql
as $$
declare
    head_size int;
    heads_built boolean;
    trimming boolean;
    touched_fields "char"[];
    touched_trigrams text[];
    touched_left_out boolean[];
begin
    select entries, built into head_size, heads_built from search_head_size;
    if not heads_built then
        return;
    end if;
    trimming := pg_try_advisory_xact_lock(7215180019);
    with candidates as (
        select c.field, t.trigram, c.sort_key collate "C" as sort_key, c.user_id,
               row_number() over (partition by c.field, t.trigram order by c.sort_key collate "C", c.user_id) as n
        from unnest(fields, keys, ids) as c(field, sort_key, user_id)
        cross join lateral search_trigrams(c.sort_key) as t(trigram)
        left join search_head_bound b on b.field = c.field and b.trigram = t.trigram
        where b.trigram is null or (c.sort_key collate "C", c.user_id) <= (b.sort_key, b.user_id)),
    added as (
        insert into search_head (field, trigram, sort_key, user_id)
        select field, trigram, sort_key, user_id from candidates
        where not trimming or n <= head_size)
    -- every candidate trigram had its first new key added (n = 1)
    select array_agg(field), array_agg(trigram), array_agg(left_out)
    into touched_fields, touched_trigrams, touched_left_out
    from (select field, trigram, bool_or(n > head_size) as left_out from candidates group by field, trigram) as t;
    if touched_fields is null or not trimming then
        return;
    end if;
    with over as (
        select t.field, t.trigram, nth.sort_key, nth.user_id
        from unnest(touched_fields, touched_trigrams, touched_left_out) as t(field, trigram, left_out)
        cross join lateral (select h.sort_key, h.user_id from search_head h
                            where h.field = t.field and h.trigram = t.trigram
                            order by h.sort_key, h.user_id offset head_size - 1 limit 1) as nth
        where t.left_out or exists (select from search_head h where h.field = t.field and h.trigram = t.trigram
                                    order by h.sort_key, h.user_id offset 2 * head_size limit 1)),
    bounded as (
        insert into search_head_bound as b (field, trigram, sort_key, user_id)
        select field, trigram, sort_key, user_id from over
        on conflict (field, trigram) do update
            set (sort_key, user_id) = (select v.sort_key, v.user_id
                                       from (values (excluded.sort_key, excluded.user_id), (b.sort_key, b.user_id))
                                            as v(sort_key, user_id)
                                       order by v.sort_key, v.user_id limit 1)
        returning b.field, b.trigram, b.sort_key, b.user_id)
    delete from search_head h
    where h.ctid in (select p.ctid from search_head p join bounded n on p.field = n.field and p.trigram = n.trigram
                     where (p.sort_key, p.user_id) > (n.sort_key, n.user_id)
                     for update of p skip locked);
end
$$;

-- Empties the heads and marks them not built: a rebuild's emptying of the view does it, and so
-- should a bulk load into the view (the heads then built once after, not row by row).
create function search_heads_clear() returns void language plpgsql as $$
begin
    truncate search_head, search_head_bound;
    update search_head_size set built = false;
end
$$;

create or replace function search_heads_truncated() returns trigger language plpgsql as $$
begin
    perform search_heads_clear();
    return null;
end
$$;

-- V6's rebuild, which now also marks the heads built.
alter function search_heads_rebuild() rename to search_heads_fill;
create function search_heads_rebuild() returns void language plpgsql as $$
begin
    perform search_heads_fill();
    update search_head_size set built = true;
end
$$;

-- Builds the heads if they are not built; true if it did. When they are built (nearly always) it
-- returns at once, taking no lock: query nodes call it every few seconds. Of several nodes calling
-- at once, one builds and the others wait for it on the row lock, then find the heads built. The
-- view's lock comes first, as an emptying of the view takes it before it marks the heads (no deadlock).
create function search_heads_build_if_missing() returns boolean language plpgsql as $$
begin
    if (select built from search_head_size) then
        return false;
    end if;
    lock table user_view in share mode;
    perform from search_head_size where not built for update;
    if not found then
        return false;
    end if;
    perform search_heads_rebuild();
    return true;
end
$$;
