-- Password reset links (R-AUTH-4). Only the SHA-256 of a link's token is kept, to look it up
-- by; the raw token travels to the notifier, which keeps it only until the email is sent. A
-- row lives while its link may work: using it, a newer link, a password change, a disable or
-- an email change delete it, and an expired one is deleted when any new link is asked for.
create table password_reset (
    token_hash bytea       not null primary key,
    reset_id   uuid        not null unique,
    user_id    uuid        not null,
    expires_at timestamptz not null
);
create index password_reset_user on password_reset (user_id);
create index password_reset_expires on password_reset (expires_at);

-- The audit record of passwords (R-AUTH-4): every reset asked for, every reset completed or
-- refused, every password change or refused change, and the sign-ins they ended. Kept apart
-- from the event streams: none of these changes what the account is. Named for what it holds
-- so that a record of sign-ins can sit beside it, or both be merged into one later.
create table password_audit (
    id                   bigserial   primary key,
    recorded_at          timestamptz not null,
    -- RESET_REQUESTED, RESET_COMPLETED, PASSWORD_CHANGED, SESSIONS_ENDED
    event                text        not null,
    -- the account, when the request named one; never the login a caller typed
    user_id              uuid,
    -- RESET_REQUESTED: LINK_SENT, NO_CURRENT_ADDRESS, NOT_ELIGIBLE, UNKNOWN_LOGIN
    -- RESET_COMPLETED: SUCCEEDED, INVALID_LINK, PASSWORD_REFUSED
    -- PASSWORD_CHANGED: SUCCEEDED, WRONG_CURRENT_PASSWORD, PASSWORD_REFUSED, NO_LOCAL_PASSWORD
    -- SESSIONS_ENDED: ENDED
    outcome              text        not null,
    -- SESSIONS_ENDED: how many authorizations (codes, access and refresh tokens of one sign-in) were deleted
    ended_authorizations integer,
    -- the caller's User-Agent, printable ASCII, at most 200 characters
    client               text,
    source_address       text,
    correlation_id       text
);
create index password_audit_recorded_at on password_audit (recorded_at, id);
create index password_audit_user on password_audit (user_id, recorded_at);
