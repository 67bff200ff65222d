-- The command side's tables. History: command_schema_history; migrated after the platform's
-- (db/platform), whose actor_membership it constrains below.
--
-- Almost all of them are lookups written by a subscribing event handler in the same
-- transaction that appends the events, so they are never behind the event log, and a
-- violated constraint rolls the command back (the constraint names map to rule ids).
--
-- A database migrated before each module had its own schema (flyway_schema_history, the
-- scripts in db/legacy) already has every table below in exactly this shape: there this file
-- is not run, its version is recorded as the baseline (ModuleMigrations).


-- Set-based rules: unique organization names, usernames, emails.

create table organization_lookup (
    organization_id uuid not null primary key,
    name_key        text not null,
    constraint organization_name_taken unique (name_key)
);

create table username_lookup (
    user_id      uuid not null primary key,
    username_key text not null,
    constraint username_taken unique (username_key)
);

create table email_lookup (
    user_id   uuid not null primary key,
    email_key text not null,
    constraint email_taken unique (email_key)
);

-- The platform's actor_membership (read by both sides' security) is written only here, in
-- the command's transaction: a membership must name an organization the command side knows.
-- The constraint has the name PostgreSQL gives an inline reference, as in older databases.
alter table actor_membership
    add constraint actor_membership_organization_id_fkey
        foreign key (organization_id) references organization_lookup (organization_id);

create table settings_lookup (
    settings_id                      text    not null primary key,
    sso_enabled                      boolean not null,
    third_party_registration_enabled boolean not null,
    registration_workflow_enabled    boolean not null
);


-- Authentication schemes as the command side decides with them (R-AUTH-1, R-EDIT-3), and
-- the link from an IdP's subject to the user provisioned for it. The subject itself is
-- personal data and is kept only as a keyed hash.

create table scheme_lookup (
    scheme_id          uuid  not null primary key,
    name_key           text  not null,
    authorization_type text  not null,
    mappings           jsonb not null,
    constraint scheme_name_taken unique (name_key)
);

create table idp_subject_lookup (
    subject_key text not null primary key,
    scheme_id   uuid not null references scheme_lookup (scheme_id),
    user_id     uuid not null unique
);


-- Invitations and account activation (R-ADD-7, R-ACT-1..4).

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

-- What the account setup form shows, for portal-managed accounts until they are activated.
create table pending_account (
    user_id    uuid not null primary key,
    username   text not null,
    first_name text not null,
    last_name  text not null
);

-- Passwords, as Argon2id hashes, outside the event log (R-ACT-3): set by the account setup
-- form; sign-in (which runs beside the command side) checks and changes them.
create table credential (
    user_id       uuid        not null primary key,
    password_hash text        not null,
    updated_at    timestamptz not null
);


-- Self-registration (R-REG-1..4): organization names of accepted registrations whose
-- organization is not created yet. Written in the transaction that accepts; of two requests
-- naming one new organization the first accepted wins, the other's acceptance rolls back
-- (R-REG-1).
--
-- username_key (R-REG-4): a registration holds its username beside its organization name, so
-- that later registrations find the username taken: an accepted one until its user exists
-- (the row goes on completion or failure), and, for good, one without the workflow that named
-- an existing user's email or username, as a fresh registration's user would keep it. Not
-- unique: of two accepted requests for one username the users' own constraint still decides;
-- this column only makes later registrations (and approvals) see the username as taken.
create table registration_organization_lookup (
    registration_id uuid not null primary key,
    name_key        text not null,
    username_key    text,
    constraint registration_organization_name_taken unique (name_key)
);
create index registration_organization_lookup_username on registration_organization_lookup (username_key);
