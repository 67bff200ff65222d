-- User search (R-SEARCH-1..4). A name term matches when it is a substring of "First Last"
-- (full_name), which also holds every substring of the first and of the last name; an
-- email term when it is a substring of the email. Both case-insensitively: the queries
-- compare lower(column) LIKE lower(pattern), and these trigram indexes are on exactly
-- those expressions. pg_trgm only helps for terms with three consecutive letters or digits
-- (it ignores punctuation); other terms are checked row by row. pg_trgm is a trusted
-- extension (PostgreSQL 13+): the database owner may create it.
create extension if not exists pg_trgm;

create index user_view_full_name_trgm on user_view using gin (lower(full_name) gin_trgm_ops);
create index user_view_email_trgm on user_view using gin (lower(email) gin_trgm_ops);

-- The sort orders of the list, each ending in the id that breaks ties, so that a page
-- is read in index order and pages never overlap.
create index user_view_by_name on user_view (lower(full_name), user_id);
create index user_view_by_email on user_view (lower(email), user_id);
create index user_view_by_created on user_view (created_at, user_id);

-- Filters: the account role (and with it the category), and membership in an
-- organization with a role, which is also what an Org Admin's visibility checks.
create index user_view_by_role on user_view (account_role, lower(full_name), user_id);
create index user_membership_view_organization_role on user_membership_view (organization_id, org_role, user_id);
