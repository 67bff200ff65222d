-- R-AUTH-3: failed sign-ins are slowed per account, per (account, client) pair and per client.
-- V3, not V2: V2 is left to password resets, written at the same time elsewhere.
--
-- One row per throttled thing: kind ACCOUNT (subject, client ''), PAIR (subject, client) or
-- CLIENT (subject '', client). The subject is 'user:<user id>' when the login names a user,
-- else 'login:<keyed hash of the login>': an unknown login is throttled exactly as an account
-- is, and never stored in clear (people type their password into the login field). The client
-- is the caller's address as the rate limit keys it (IPv6 by its /64).
-- In the database, not in memory, so that the limits hold across nodes and restarts.
create table sign_in_throttle (
    kind            text        not null,
    subject         text        not null,
    client          text        not null,
    -- consecutive failures, forgotten once the last is older than the forget-after setting
    failures        integer     not null default 0,
    last_failure_at timestamptz,
    -- attempts before this instant are refused without checking the password
    blocked_until   timestamptz,
    -- PAIR only: the account signed in from this client then; it is spared the account's and
    -- the client's throttles (not its own) for the known-client-for setting
    last_success_at timestamptz,
    primary key (kind, subject, client),
    constraint sign_in_throttle_kind check (kind in ('ACCOUNT', 'PAIR', 'CLIENT'))
);

-- The key of the hash that stands for a login that names no user (in the throttle and in the
-- sign-in audit): made once, shared by every node, so that one login hashes alike everywhere.
create table identity_login_key (
    id  integer not null primary key default 1 check (id = 1),
    key bytea   not null
);
