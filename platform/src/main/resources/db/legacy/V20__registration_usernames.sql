-- R-REG-4: a registration holds its username beside its organization name, so that later
-- registrations find the username taken: an accepted one until its user exists (the row goes
-- on completion or failure), and, for good, one without the workflow that named an existing
-- user's email or username, as a fresh registration's user would keep it. Not unique: of two
-- accepted requests for one username the users' own constraint still decides; this column
-- only makes later registrations (and approvals) see the username as taken.
alter table registration_organization_lookup add column username_key text;
create index registration_organization_lookup_username on registration_organization_lookup (username_key);
