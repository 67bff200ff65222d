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
