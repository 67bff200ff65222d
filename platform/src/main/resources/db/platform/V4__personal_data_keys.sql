-- Erasure by crypto-shredding. Every personal field of an event (io.portalusers.api.privacy.
-- PersonalData) is stored encrypted (AES-256-GCM) with a key of its own per data subject (a
-- user, a registration), kept here, outside the event log. Erasing a person deletes their keys:
-- the events stay as they are (so the hash chain, which covers the stored ciphertext, stays
-- valid), and every reader shows the fields as erased.
--
-- A key is stored wrapped (AES-256-GCM) by the master key (portal.privacy.master-key), never
-- in the clear. An erased subject keeps its row with no key, so that no key is ever made
-- for it again.
create table personal_data_key (
    subject     text        not null primary key,
    -- the person whose erasure shreds this key too (a registration's user), or null
    erased_with text,
    wrapped_key bytea,
    created_at  timestamptz not null default now(),
    erased_at   timestamptz,
    constraint personal_data_key_erased check ((wrapped_key is null) = (erased_at is not null))
);
create index personal_data_key_erased_with on personal_data_key (erased_with) where erased_with is not null;
-- a node reading keys on a cold cache reads those made after the one it misses (a replay meets
-- subjects in about that order)
create index personal_data_key_created on personal_data_key (created_at, subject);

-- The master key when none is configured and the service is not the embedded default: made
-- once, shared by every node. Keys wrapped by it are only as safe as the database; configure
-- portal.privacy.master-key in production (docs/operators.md).
create table personal_data_master (
    id         boolean not null primary key default true check (id),
    master_key bytea   not null
);

-- Re-seal epochs of the hash chain. Events written before personal data was encrypted hold it
-- in plaintext; a one-off migration (LegacyEventEncryption) rewrites their payloads encrypted,
-- which changes rows that may be sealed already. It does so only over a chain it has just
-- verified intact, and records here what it did: the chain is kept as it was before from_index
-- and sealed again from there. An auditor holding a hash from before the epoch at or after
-- from_index finds it here as previous_head_hash (docs/auditors.md).
create table event_chain_epoch (
    epoch               serial      primary key,
    at                  timestamptz not null default now(),
    -- the first rewritten event: seals from here on were dropped and are made again
    from_index          bigint      not null,
    -- the head before the epoch, verified intact from index 0 just before the rewrite
    previous_head_index bigint      not null,
    previous_head_hash  bytea       not null,
    rewritten           bigint      not null,
    reason              text        not null
);

-- Set once the migration above found no event left in plaintext: from then on every event is
-- encrypted as it is written, and later starts do not read the log again.
create table legacy_event_encryption (
    id      boolean     not null primary key default true check (id),
    done_at timestamptz not null
);
