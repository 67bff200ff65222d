-- The users read model, written by the "users" streaming processor. version is the
-- aggregate sequence number of the last event applied: it is the ETag, and the guard that
-- makes a redelivered event change nothing. Search indexes come with the search issue.

create table user_view (
    user_id      uuid        not null primary key,
    username     text        not null,
    email        text        not null,
    first_name   text        not null,
    last_name    text        not null,
    full_name    text        not null,
    language     text        not null,
    category     text        not null,
    account_role text        not null,
    source       text        not null,
    scheme_id    uuid,
    enabled      boolean     not null,
    activation   text        not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    version      bigint      not null
);

-- An Org User's memberships, replaced as a whole by each MembershipsChanged. No foreign
-- key to organizations: their view is built by another processor, at its own pace.
create table user_membership_view (
    user_id         uuid not null references user_view (user_id) on delete cascade,
    organization_id uuid not null,
    org_role        text not null,
    primary key (user_id, organization_id)
);
create index user_membership_view_organization on user_membership_view (organization_id);
