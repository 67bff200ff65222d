-- Search heads: the check for a head grown past twice its size, made on a sample of the heads a
-- statement adds to instead of on each of them.
--
-- Why: V8's writer, holding the trimming lock, asked of every head it had just added an entry to
-- whether the head held more than twice its size now, and read the head's entry at its size for
-- each of them too: two index walks of up to 400 entries per touched head, 1,500 heads for a batch
-- of 300 new users. That was two thirds of the cost of writing a user into the view (about
-- 0.3 ms of the 0.45 ms per user row), more than the row, its indexes and the heads' new entries
-- together. Under a steady stream of creations the users processor, whose statements compete for
-- the CPU with the commands', fell minutes behind.
--
-- What changes: a head is checked when the statement left keys out of it (as before, always: its
-- bound must then be set at once), or else with the chance 4 * (entries added) / (head size), so
-- that a head is checked about once every quarter of its size of new entries and is trimmed, on
-- average, before it holds two and a quarter times its size. The head's entry at its size is read
-- only for the heads found over. What a head promises readers (V6) does not depend on how large it
-- grows past its bound: entries past the bound may linger and readers ignore them, so a trim made
-- a little later changes no answer.

create or replace function search_heads_add(fields "char"[], texts text[], keys text[], ids uuid[]) returns void
    language plpgsql
as $$
declare
    head_size int;
    heads_built boolean;
    trimming boolean;
    touched_fields "char"[];
    touched_trigrams text[];
    touched_left_out boolean[];
    touched_added int[];
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
    select array_agg(field), array_agg(trigram), array_agg(left_out), array_agg(added)
    into touched_fields, touched_trigrams, touched_left_out, touched_added
    from (select field, trigram, bool_or(n > head_size) as left_out, count(*) filter (where n <= head_size) as added
          from candidates group by field, trigram) as t;
    if touched_fields is null or not trimming then
        return;
    end if;
    with due as materialized (
        select t.field, t.trigram
        from unnest(touched_fields, touched_trigrams, touched_left_out, touched_added) as t(field, trigram, left_out, added)
        where t.left_out
           or (random() * head_size < 4 * t.added
               and exists (select from search_head h where h.field = t.field and h.trigram = t.trigram
                           order by h.sort_key, h.user_id offset 2 * head_size limit 1))),
    over as (
        select d.field, d.trigram, nth.sort_key, nth.user_id
        from due d
        cross join lateral (select h.sort_key, h.user_id from search_head h
                            where h.field = d.field and h.trigram = d.trigram
                            order by h.sort_key, h.user_id offset head_size - 1 limit 1) as nth),
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
