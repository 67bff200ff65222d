-- Query-side read models, written by streaming processors whose tokens (tokenentry) are
-- updated in the same transaction as the rows.

create table organization_view (
    organization_id uuid        not null primary key,
    name            text        not null,
    account_plan    text        not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    version         bigint      not null
);
create index organization_view_name on organization_view (lower(name), organization_id);

create table settings_view (
    settings_id                      text        not null primary key,
    sso_enabled                      boolean     not null,
    third_party_registration_enabled boolean     not null,
    registration_workflow_enabled    boolean     not null,
    updated_at                       timestamptz not null,
    version                          bigint      not null
);
