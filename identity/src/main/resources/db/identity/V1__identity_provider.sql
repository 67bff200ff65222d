-- The identity module's own tables, migrated by its own Flyway history
-- (identity_schema_history), independent of the platform's versions.

-- Authorizations of Spring Authorization Server (codes, access, refresh and ID tokens of a
-- sign-in). Its published schema with PostgreSQL's types: text for its blobs, timestamptz.
create table oauth2_authorization (
    id                            varchar(100)  not null primary key,
    registered_client_id          varchar(100)  not null,
    principal_name                varchar(200)  not null,
    authorization_grant_type      varchar(100)  not null,
    authorized_scopes             varchar(1000),
    attributes                    text,
    state                         varchar(500),
    authorization_code_value      text,
    authorization_code_issued_at  timestamptz,
    authorization_code_expires_at timestamptz,
    authorization_code_metadata   text,
    access_token_value            text,
    access_token_issued_at        timestamptz,
    access_token_expires_at       timestamptz,
    access_token_metadata         text,
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           text,
    oidc_id_token_issued_at       timestamptz,
    oidc_id_token_expires_at      timestamptz,
    oidc_id_token_metadata        text,
    refresh_token_value           text,
    refresh_token_issued_at       timestamptz,
    refresh_token_expires_at      timestamptz,
    refresh_token_metadata        text,
    user_code_value               text,
    user_code_issued_at           timestamptz,
    user_code_expires_at          timestamptz,
    user_code_metadata            text,
    device_code_value             text,
    device_code_issued_at         timestamptz,
    device_code_expires_at        timestamptz,
    device_code_metadata          text
);
-- a disable or a password change ends every authorization of the user at once
create index oauth2_authorization_principal on oauth2_authorization (principal_name);

-- The keys that sign the provider's tokens. The newest signs; older ones stay published in
-- the JWKS until every token they signed has expired, then they are deleted.
create table identity_signing_key (
    key_id     text        not null primary key,
    jwk        text        not null,
    created_at timestamptz not null
);
