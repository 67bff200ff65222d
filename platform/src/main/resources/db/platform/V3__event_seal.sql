-- The event log's hash chain: proof for auditors that no stored event was changed, removed,
-- moved or added after it was sealed. Each event, in the order of its global index, is sealed
-- with hash_n = SHA-256(hash_(n-1) || canonical(event_n)) (io.portalusers.platform.chain.ChainHash
-- says what canonical covers); the first event's predecessor is 32 zero bytes at index 0.
--
-- Sealed by a task (EventSealer), not by a trigger at append: an append's transaction cannot
-- know the hash of the event before it without serializing every append, since global
-- indexes are taken in one order and committed in another. The task seals only events that
-- are settled (the events after them older than the gap timeout, so no index before them can
-- still commit: the append bound of V2), in one transaction per batch with the head, under a
-- transaction advisory lock: one node seals at a time, and a crash loses a batch, never half.
--
-- A global index that was never committed (a rolled-back append) has no seal: the chain links
-- the events that exist. A row that shows up later at such an index, or any row without a
-- seal at or below the head, is what verification reports as inserted.

create table event_seal (
    global_index     bigint not null primary key,
    -- to name an event whose row is gone
    event_identifier text   not null,
    hash             bytea  not null,
    -- the first 8 bytes of SHA-256 of the payload and of the metadata as sealed: they only
    -- tell what changed (a payload, the metadata, payloads swapped), the hash proves it
    payload_digest   bytea  not null,
    metadata_digest  bytea  not null
);

-- The last sealed event: its index and hash, and how many events are sealed. Index 0 with 32
-- zero bytes before the first.
create table event_seal_head (
    id           boolean     not null primary key default true check (id),
    global_index bigint      not null,
    hash         bytea       not null,
    sealed       bigint      not null,
    sealed_at    timestamptz
);
insert into event_seal_head (global_index, hash, sealed) values (0, '\x0000000000000000000000000000000000000000000000000000000000000000', 0);
