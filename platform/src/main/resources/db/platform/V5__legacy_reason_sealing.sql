-- Reasons given with commands (X-Reason) were stored in clear in the events' metadata before
-- they were sealed under the key of the person each event is about. At its first start, the
-- version that seals them seals those of earlier events in place (a recorded re-seal epoch of
-- the hash chain, as for the payloads encrypted in place), then records it here, once.
create table legacy_reason_sealing (
    id      boolean     not null primary key default true check (id),
    done_at timestamptz not null
);
