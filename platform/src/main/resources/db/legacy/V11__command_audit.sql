-- The command audit: one record of every command, accepted or refused. An accepted command's
-- record commits with its events; a refused one is written after its rollback. Kept apart
-- from the event streams: a refusal changes no aggregate.
create table command_audit (
    id             bigserial   primary key,
    recorded_at    timestamptz not null,
    actor_id       text,
    command        text        not null,
    target_id      text,
    organizations  uuid[]      not null default '{}',
    correlation_id text,
    reason         text,
    outcome        text        not null,
    code           text
);
create index command_audit_recorded_at on command_audit (recorded_at, id);
create index command_audit_target on command_audit (target_id, recorded_at);
create index command_audit_actor on command_audit (actor_id, recorded_at);
