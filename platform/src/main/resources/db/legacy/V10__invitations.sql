-- Invitations and account activation (R-ADD-7, R-ACT-1..4), command side, written in the
-- transaction that appends the events.

-- One row per invitation token, keyed by the SHA-256 of the token: a stolen copy of this
-- table activates nothing (R-ACT-3). A token works while it is unused, not superseded (by a
-- resend, an email change or a disable: R-ACT-2, R-STATE-1) and before expires_at, which
-- is checked on use.
create table invitation_lookup (
    token_hash    bytea       not null primary key,
    user_id       uuid        not null,
    invitation_id uuid        not null unique,
    expires_at    timestamptz not null,
    used_at       timestamptz,
    superseded    boolean     not null default false
);
create index invitation_lookup_user on invitation_lookup (user_id);

-- The raw token of an invitation whose email is not sent yet: the notifier reads it, sends
-- the email and deletes the row. A superseded or used invitation's row is deleted at once.
create table invitation_outbox (
    invitation_id uuid        not null primary key,
    user_id       uuid        not null,
    raw_token     text        not null,
    created_at    timestamptz not null
);
create index invitation_outbox_user on invitation_outbox (user_id);

-- What the account setup form shows, for portal-managed accounts until they are activated.
create table pending_account (
    user_id    uuid not null primary key,
    username   text not null,
    first_name text not null,
    last_name  text not null
);

-- Passwords, as Argon2id hashes, outside the event log (R-ACT-3).
create table credential (
    user_id       uuid        not null primary key,
    password_hash text        not null,
    updated_at    timestamptz not null
);

-- The users view's invitation: ISSUED, USED or REVOKED (by a resend's successor, an email
-- change or a disable); null when none was issued. Expiry is shown from expires_at.
alter table user_view
    add column invitation_status     text,
    add column invitation_issued_at  timestamptz,
    add column invitation_expires_at timestamptz;
