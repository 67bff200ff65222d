-- No event may become visible long after its global index was taken. Axon's streaming
-- processors wait for an index that is not visible yet (a gap: an append whose transaction is
-- still open) only until the events after it are older than the gap timeout
-- (portal.events.gap-timeout); an append committed later than that is skipped by them for
-- good. So every transaction that appends to domainevententry is refused at its COMMIT when
-- it has been open longer than the bound below: PostgreSQL rolls it back, nothing of it is
-- stored, and its caller hears of a failure. The check is a deferred constraint trigger, so
-- it runs at COMMIT (whatever the transaction did in between: a transaction that keeps
-- issuing short statements escapes statement_timeout and idle_in_transaction_session_timeout,
-- not this), and for every writer, the service's own and any other.
--
-- The bound counts from the transaction's start, which is before its events were stamped (the
-- service opens the transaction before a command's handler runs). It must be below half the
-- gap timeout (docs/operators.md, read models): the service writes its configured
-- portal.events.append-bound here at every start, after checking it against the gap timeout.

create table event_append_bound (
    id          boolean primary key default true check (id),
    max_open_ms integer not null check (max_open_ms > 0)
);
insert into event_append_bound (max_open_ms) values (25000);

create function event_append_within_bound() returns trigger
    language plpgsql as $$
declare
    bound text := current_setting('portal.event_append_bound_ms', true);
begin
    -- read once per transaction: the constraint trigger fires for every appended row
    if bound is null or bound = '' then
        select max_open_ms::text into bound from event_append_bound;
        bound := coalesce(bound, '25000');
        perform set_config('portal.event_append_bound_ms', bound, true);
    end if;
    if clock_timestamp() - now() > bound::integer * interval '1 millisecond' then
        raise exception 'event append refused: its transaction was open for % (longer than % ms), past which a streaming processor may already have skipped the event''s position',
                clock_timestamp() - now(), bound
            using errcode = '25P04', -- as PostgreSQL 17's transaction_timeout
                  hint = 'keep commands short; the bound is portal.events.append-bound, below half of portal.events.gap-timeout';
    end if;
    return null;
end
$$;

create constraint trigger domainevententry_append_bound
    after insert on domainevententry
    deferrable initially deferred
    for each row execute function event_append_within_bound();
