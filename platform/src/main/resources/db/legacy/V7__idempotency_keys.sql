-- The first answer to each POST that carried an Idempotency-Key, per caller, so that a
-- retried request is answered from here instead of running its command again. A row is
-- written in the transaction that appends the command's events: both are stored, or
-- neither. Rows older than portal.idempotency.retention are ignored, then purged.

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
