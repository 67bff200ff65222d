-- Command-side lookups. They are written by a subscribing event handler in the same
-- transaction that appends the events, so they are never behind the event log, and a
-- violated constraint rolls the command back (the constraint names map to rule ids).

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

-- Who each caller is, by this service's own state: the source of every authorization
-- decision (roles never come from token claims).
create table actor (
    user_id      uuid    not null primary key,
    account_role text    not null,
    source       text    not null,
    enabled      boolean not null
);

create table actor_membership (
    user_id         uuid not null references actor (user_id),
    organization_id uuid not null references organization_lookup (organization_id),
    org_role        text not null,
    primary key (user_id, organization_id)
);
create index actor_membership_organization on actor_membership (organization_id);

create table settings_lookup (
    settings_id                      text    not null primary key,
    sso_enabled                      boolean not null,
    third_party_registration_enabled boolean not null,
    registration_workflow_enabled    boolean not null
);
