-- R-AUTH-3: the record auditors read of every password sign-in (succeeded, failed, throttled)
-- and every end of a sign-in (signed out at the provider, ended by disabling the user).
-- Kept apart from the users' event streams: none of these changes an account's state.
-- No password, token or hash of either is ever written here. A login that names no user is
-- kept only as the keyed hash the throttle uses (login_hash), never in clear: people type
-- their password into the login field.
create table sign_in_audit (
    id             bigserial   primary key,
    recorded_at    timestamptz not null,
    outcome        text        not null,
    -- the user the login named, or whose sign-in ended
    user_id        uuid,
    login_hash     text,
    -- the OAuth client signed in to (the public client portal, say), when known
    client_id      text,
    -- the caller's address (behind trusted proxies, the forwarded one) and its User-Agent, cut short
    source_address text,
    user_agent     text,
    -- the user's organizations then: an Org Admin reads the rows of its organizations' users
    organizations  uuid[]      not null default '{}',
    correlation_id text,
    constraint sign_in_audit_outcome
        check (outcome in ('SIGNED_IN', 'FAILED', 'THROTTLED', 'SIGNED_OUT', 'SESSION_ENDED'))
);
create index sign_in_audit_recorded_at on sign_in_audit (recorded_at, id);
create index sign_in_audit_user on sign_in_audit (user_id, recorded_at);
