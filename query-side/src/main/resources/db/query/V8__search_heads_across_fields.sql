-- Search heads across fields: the first users in name order of each trigram of the emails, and in
-- email order of each trigram of the names. What a head promises is V6's; only where its trigrams
-- come from changes.
--
-- Why: a term typed into the Email field while the list is in name order (the console's default),
-- or into the Name field while it is in email order, had no head: its first page walked the name
-- index (the first two thousand names hold no "s.s" email at a million users) and then read and
-- sorted every match, about 15,000 rows and 110 ms for "s.s", where a head serves a page in a few
-- milliseconds.
--
-- The heads by field code (search_head.field; "char" is case-sensitive):
--   'n'  trigrams of lower(full_name), entries in lower(full_name) order  (V6)
--   'e'  trigrams of lower(email),     entries in lower(email) order      (V6)
--   'm'  trigrams of lower(email),     entries in lower(full_name) order  (here)
--   'f'  trigrams of lower(full_name), entries in lower(email) order      (here)
-- A head's sort_key is always the key of its order; the trigrams now come from a text that may
-- be another field's, so search_heads_add takes both.

-- Every head entry a user's name and email call for: the field code, the text whose trigrams
-- the entry is kept under, and the key of the head's order (compared in collation "C" by its users).
create function search_head_keys(full_name text, email text)
    returns table (field "char", trigram_text text, sort_key text)
    language sql immutable strict parallel safe rows 4
as $$
    values ('n'::"char", lower(full_name), lower(full_name)),
           ('e'::"char", lower(email), lower(email)),
           ('m'::"char", lower(email), lower(full_name)),
           ('f'::"char", lower(full_name), lower(email))
$$;

drop function search_heads_add(fields "char"[], keys text[], ids uuid[]);

-- V7's writer, with the text of each entry's trigrams given apart from its sort key.
create function search_heads_add(fields "char"[], texts text[], keys text[], ids uuid[]) returns void
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
        from unnest(fields, texts, keys, ids) as c(field, trigram_text, sort_key, user_id)
        cross join lateral search_trigrams(c.trigram_text) as t(trigram)
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

create or replace function search_heads_inserted() returns trigger language plpgsql as $$
begin
    perform search_heads_add(array_agg(k.field), array_agg(k.trigram_text), array_agg(k.sort_key), array_agg(n.user_id))
    from new_users n cross join lateral search_head_keys(n.full_name, n.email) as k;
    return null;
end
$$;

-- A changed name or email changes the entries of all four fields (their trigrams or their order):
-- the user's entries are all replaced.
create or replace function search_heads_updated() returns trigger language plpgsql as $$
declare
    changed uuid[];
begin
    select array_agg(n.user_id) into changed
    from new_users n join old_users o on o.user_id = n.user_id
    where lower(n.full_name) <> lower(o.full_name) or lower(n.email) <> lower(o.email);
    if changed is null then
        return null;
    end if;
    delete from search_head h where h.user_id = any(changed);
    perform search_heads_add(array_agg(k.field), array_agg(k.trigram_text), array_agg(k.sort_key), array_agg(n.user_id))
    from new_users n cross join lateral search_head_keys(n.full_name, n.email) as k
    where n.user_id = any(changed);
    return null;
end
$$;

-- V6's fill, for the four fields.
create or replace function search_heads_fill() returns void language plpgsql as $$
declare
    head_size int := (select entries from search_head_size);
begin
    lock table user_view in share mode;
    truncate search_head, search_head_bound;
    insert into search_head (field, trigram, sort_key, user_id)
    select field, trigram, sort_key, user_id
    from (select k.field, t.trigram, k.sort_key collate "C" as sort_key, u.user_id,
                 row_number() over (partition by k.field, t.trigram order by k.sort_key collate "C", u.user_id) as n
          from user_view u
          cross join lateral search_head_keys(u.full_name, u.email) as k
          cross join lateral search_trigrams(k.trigram_text) as t(trigram)) as ranked
    where n <= head_size;
    insert into search_head_bound (field, trigram, sort_key, user_id)
    select field, trigram, sort_key, user_id
    from (select field, trigram, sort_key, user_id,
                 row_number() over (partition by field, trigram order by sort_key, user_id) as n
          from search_head) as ranked
    where n = head_size;
end
$$;

-- The heads of the users already in the view lack the new fields: they are marked not built, and
-- a query node builds them in the background (search_heads_build_if_missing, as after a rebuild),
-- rather than this migration holding up the service's start for minutes at a million users.
-- Searches read every match meanwhile, as while a rebuild replays.
select search_heads_clear() where exists (select from user_view);
