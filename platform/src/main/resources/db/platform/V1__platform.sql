-- The platform's tables: what every node needs, whichever modules it runs (the command side
-- alone, the query side alone, or both). History: platform_schema_history. The command side's
-- tables are in db/command, the query side's in db/query, sign-in's in db/identity; the
-- platform migrates first, so their scripts may refer to these tables, never the reverse.
--
-- A database migrated before each module had its own schema (flyway_schema_history, the
-- scripts in db/legacy) already has every table below in exactly this shape: there this file
-- is not run, its version is recorded as the baseline (ModuleMigrations).


-- Axon's JDBC tables, in PostgreSQL's types (bytea, bigserial). Axon uses unquoted CamelCase
-- names, which PostgreSQL folds to lower case, so the tables are named so. The command side
-- appends events; the query side's streaming processors read them and keep their tokens.

create table domainevententry (
    globalindex         bigserial    not null,
    aggregateidentifier varchar(255) not null,
    sequencenumber      bigint       not null,
    type                varchar(255),
    eventidentifier     varchar(255) not null,
    metadata            bytea,
    payload             bytea        not null,
    payloadrevision     varchar(255),
    payloadtype         varchar(255) not null,
    timestamp           varchar(255) not null,
    primary key (globalindex),
    constraint domainevententry_aggregate_sequence unique (aggregateidentifier, sequencenumber),
    constraint domainevententry_event_identifier unique (eventidentifier)
);

create table snapshotevententry (
    aggregateidentifier varchar(255) not null,
    sequencenumber      bigint       not null,
    type                varchar(255) not null,
    eventidentifier     varchar(255) not null,
    metadata            bytea,
    payload             bytea        not null,
    payloadrevision     varchar(255),
    payloadtype         varchar(255) not null,
    timestamp           varchar(255) not null,
    primary key (aggregateidentifier, sequencenumber),
    constraint snapshotevententry_event_identifier unique (eventidentifier)
);

create table tokenentry (
    processorname varchar(255) not null,
    segment       integer      not null,
    token         bytea,
    tokentype     varchar(255),
    timestamp     varchar(255),
    owner         varchar(255),
    primary key (processorname, segment)
);

create table sagaentry (
    sagaid         varchar(255) not null,
    revision       varchar(255),
    sagatype       varchar(255),
    serializedsaga bytea,
    primary key (sagaid)
);

create table associationvalueentry (
    id               bigserial not null,
    associationkey   varchar(255),
    associationvalue varchar(255),
    sagaid           varchar(255),
    sagatype         varchar(255),
    primary key (id)
);
create index associationvalueentry_saga on associationvalueentry (sagaid, sagatype);
create index associationvalueentry_value on associationvalueentry (associationkey, associationvalue, sagatype);

-- Axon ships no PostgreSQL DDL for its dead-letter queue (its generic one says BLOB).
create table deadletterentry (
    deadletteridentifier varchar(255)  not null,
    processinggroup      varchar(255)  not null,
    sequenceidentifier   varchar(255)  not null,
    sequenceindex        bigint        not null,
    messagetype          varchar(255)  not null,
    eventidentifier      varchar(255)  not null,
    timestamp            varchar(255)  not null,
    payloadtype          varchar(255)  not null,
    payloadrevision      varchar(255),
    payload              bytea         not null,
    metadata             bytea,
    type                 varchar(255),
    aggregateidentifier  varchar(255),
    sequencenumber       bigint,
    tokentype            varchar(255),
    token                bytea,
    enqueuedat           varchar(255)  not null,
    lasttouched          varchar(255),
    processingstarted    varchar(255),
    causetype            varchar(255),
    causemessage         varchar(1023),
    diagnostics          bytea,
    primary key (deadletteridentifier),
    constraint deadletterentry_sequence_index unique (processinggroup, sequenceidentifier, sequenceindex)
);
create index deadletterentry_processing_group on deadletterentry (processinggroup);
create index deadletterentry_sequence on deadletterentry (processinggroup, sequenceidentifier);


-- db-scheduler's table (persistent deadlines and scheduled work, on either side), as its
-- PostgreSQL DDL.
create table scheduled_tasks (
    task_name            text                     not null,
    task_instance        text                     not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean                  not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint                   not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index scheduled_tasks_execution_time on scheduled_tasks (execution_time);
create index scheduled_tasks_last_heartbeat on scheduled_tasks (last_heartbeat);
create index scheduled_tasks_priority_execution_time on scheduled_tasks (priority desc, execution_time asc);


-- The first answer to each POST that carried an Idempotency-Key, per caller, so that a
-- retried request is answered from here instead of running its command again (the web
-- layer of both sides). A row is written in the transaction that appends the command's
-- events: both are stored, or neither. Rows older than portal.idempotency.retention are
-- ignored, then purged.
create table idempotency_key (
    caller_id       uuid        not null,
    idempotency_key text        not null,
    request_hash    bytea       not null,
    status          integer     not null,
    location        text,
    etag            text,
    content_type    text,
    body            bytea       not null,
    created_at      timestamptz not null,
    primary key (caller_id, idempotency_key),
    constraint idempotency_key_length check (char_length(idempotency_key) between 1 and 255)
);
create index idempotency_key_created_at on idempotency_key (created_at);


-- Who each caller is, by this service's own state: the source of every authorization
-- decision on both sides (roles never come from token claims). Written by the command side's
-- subscribing handler in the transaction that appends the events; read by every node's
-- security to know its caller. That memberships name existing organizations is the command
-- side's rule: its schema adds the foreign key to organization_lookup (a node without the
-- command side never writes here).
create table actor (
    user_id      uuid    not null primary key,
    account_role text    not null,
    source       text    not null,
    enabled      boolean not null
);

create table actor_membership (
    user_id         uuid not null references actor (user_id),
    organization_id uuid not null,
    org_role        text not null,
    primary key (user_id, organization_id)
);
create index actor_membership_organization on actor_membership (organization_id);


-- One record of every command, accepted or refused: written where commands are handled (an
-- accepted command's record commits with its events; a refused one is written after its
-- rollback), read by the query side's audit API. Kept apart from the event streams: a
-- refusal changes no aggregate.
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


-- Emails as an outbox. The query side's notifier adds the emails events call for (in the
-- transaction that stores its token) and sends every row afterwards, through a dispatcher
-- that claims due rows; sign-in (beside the command side) adds password reset emails through
-- the platform's PasswordResetMailer. So both sides write here: platform.
--
-- One row per email. The message id is derived from what the email is about (an invitation,
-- a registration, a reset), so a redelivered event adds nothing and an email sent again after
-- a crash carries the same Message-ID, which mail clients fold. No secret is kept here: an
-- activation link's token is read from invitation_outbox (below) at the moment of
-- sending, any other link's from mail_link_token below, and either is deleted once sent.
create table mail_outbox (
    message_id      text        not null primary key,
    kind            text        not null,
    user_id         uuid,
    invitation_id   uuid        unique,
    recipient       text        not null,
    language        text        not null,
    -- what the template shows (names, username, organization, reason); never a token
    params          jsonb       not null default '{}'::jsonb,
    -- PENDING (to send or to retry), SENT, FAILED (permanently, or gave up), SUPERSEDED
    -- (its invitation was replaced, used or voided before it could be sent)
    status          text        not null default 'PENDING',
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null,
    -- a dispatcher's claim; an expired claim (a node died while sending) is taken again
    claimed_until   timestamptz,
    last_error      text,
    created_at      timestamptz not null,
    sent_at         timestamptz,
    failed_at       timestamptz
);
create index mail_outbox_due on mail_outbox (next_attempt_at) where status = 'PENDING';
create index mail_outbox_user on mail_outbox (user_id);
create index mail_outbox_status on mail_outbox (status, created_at);

-- Whom emails go to: each user's address, names and language as of the events the notifier
-- has seen, folded by the notifier's own processor so that it never waits for another view;
-- the password reset mailer reads it too.
create table mail_recipient (
    user_id    uuid   not null primary key,
    username   text   not null,
    email      text   not null,
    first_name text   not null,
    last_name  text   not null,
    language   text   not null,
    version    bigint not null
);

-- The raw token of an invitation whose email is not sent yet, handed from the command side
-- (which draws it) to the notifier (which emails it) through InvitationLinks: the notifier
-- reads it, sends the email and deletes the row; a superseded or used invitation's row is
-- deleted at once. Here because both sides write it.
create table invitation_outbox (
    invitation_id uuid        not null primary key,
    user_id       uuid        not null,
    raw_token     text        not null,
    created_at    timestamptz not null
);
create index invitation_outbox_user on invitation_outbox (user_id);

-- The raw token of a link an email carries, for emails asked for by a call rather than by an
-- event (password resets, R-AUTH-4): it waits here, beside the email, until the email is sent,
-- fails for good or is withdrawn (its link was voided), then it is deleted. The outbox row
-- itself never holds a token.
create table mail_link_token (
    message_id text not null primary key references mail_outbox (message_id) on delete cascade,
    user_id    uuid not null,
    token      text not null
);
create index mail_link_token_user on mail_link_token (user_id);
