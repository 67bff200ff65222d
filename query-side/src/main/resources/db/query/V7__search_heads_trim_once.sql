-- The search heads' writer (V6) reworked, the heads themselves unchanged.
--
-- In V6 the holder of the trimming lock bounded a head below a bulk statement's left-out keys in
-- one step and the heads grown past twice their size in a second, with two copies of the same
-- upsert; the first step also looked through every candidate again for each head it bounded.
-- Now one step bounds both kinds of head: those of which this statement left new keys out, and
-- those grown past twice their size. The bound is the head's head-size-th entry, never above the
-- bound it had (entries past that one may be missing), and the head loses its entries past it.
-- What a head promises is V6's.

create or replace function search_heads_add(fields "char"[], keys text[], ids uuid[]) returns void
    language plpgsql
as $$
declare
    head_size int := (select entries from search_head_size);
    trimming boolean := pg_try_advisory_xact_lock(7215180019);
    touched_fields "char"[];
    touched_trigrams text[];
    touched_left_out boolean[];
begin
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
