-- The search heads are no longer kept while the users view is replayed, and are built once after.
--
-- A rebuild empties the view and replays the log into it: every user's thirty-odd trigrams went
-- into the heads as it came, and only the segment holding the trimming lock bounded them, which
-- made a replay four times slower (1,200 events a second against 7,000 at a million users). Now
-- emptying the view marks the heads not built; while they are not, writers leave them alone and
-- searches read every match (the walk or the sort); once no segment of the users processor is
-- replaying, the query side builds them from the view (search_heads_build_if_missing) and
-- writers keep them from then on.

alter table search_head_size add column built boolean not null default true;
comment on column search_head_size.built is
    'false from an emptying of user_view (a rebuild) until the heads are built again; writers skip them meanwhile, and readers do not read them';

create or replace function search_heads_inserted() returns trigger language plpgsql as $$
begin
    if not (select built from search_head_size) then
        return null;
    end if;
    perform search_heads_add(array_agg(c.field), array_agg(c.sort_key), array_agg(c.user_id))
    from (select 'n'::"char" as field, lower(n.full_name) as sort_key, n.user_id from new_users n
          union all
          select 'e'::"char", lower(n.email), n.user_id from new_users n) as c;
    return null;
end
$$;

create or replace function search_heads_updated() returns trigger language plpgsql as $$
declare
    fields "char"[];
    keys text[];
    ids uuid[];
begin
    if not (select built from search_head_size) then
        return null;
    end if;
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

create or replace function search_heads_truncated() returns trigger language plpgsql as $$
begin
    truncate search_head, search_head_bound;
    update search_head_size set built = false;
    return null;
end
$$;

-- As in V6, and the heads marked built.
create or replace function search_heads_rebuild() returns void language plpgsql as $$
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
    update search_head_size set built = true;
end
$$;

-- Builds the heads if they are not built; true if it did. Of several nodes calling at once, one
-- builds and the others wait for it on the row lock, then find the heads built. The view's lock
-- comes first, as an emptying of the view takes it before it marks the heads (no deadlock).
create function search_heads_build_if_missing() returns boolean language plpgsql as $$
begin
    lock table user_view in share mode;
    perform from search_head_size where not built for update;
    if not found then
        return false;
    end if;
    perform search_heads_rebuild();
    return true;
end
$$;
