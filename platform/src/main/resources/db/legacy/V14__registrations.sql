-- Self-registration (R-REG-1..4).

-- Command side: organization names of accepted registrations whose organization is not
-- created yet. Written in the transaction that accepts; of two requests naming one new
-- organization the first accepted wins, the other's acceptance rolls back (R-REG-1).
create table registration_organization_lookup (
    registration_id uuid not null primary key,
    name_key        text not null,
    constraint registration_organization_name_taken unique (name_key)
);

-- Query side: registration requests as Portal Admins list them. A submission that named an
-- email or username of an existing user is not a request and has no row (R-REG-4).
create table registration_view (
    registration_id   uuid        not null primary key,
    username          text        not null,
    email             text        not null,
    first_name        text        not null,
    last_name         text        not null,
    language          text        not null,
    organization_name text        not null,
    -- PENDING, ACCEPTED (organization and user being created), COMPLETED, REJECTED, EXPIRED, FAILED
    status            text        not null,
    awaits_approval   boolean     not null,
    submitted_at      timestamptz not null,
    expires_at        timestamptz,
    decided_at        timestamptz,
    decided_by        text,
    reason            text,
    organization_id   uuid,
    user_id           uuid,
    failure_code      text,
    completed_at      timestamptz,
    version           bigint      not null
);
create index registration_view_submitted on registration_view (submitted_at desc, registration_id);
create index registration_view_status_submitted on registration_view (status, submitted_at desc, registration_id);
