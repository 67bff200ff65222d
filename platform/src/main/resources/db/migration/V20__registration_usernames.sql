-- R-REG-4: a registration holds its username beside its organization name: an accepted one
-- until its user exists (the row goes on completion or failure), and one without the
-- workflow that named an existing user's email for good, as a fresh registration's user
-- would have kept it. Later registrations find the username taken either way. Not unique:
-- of two accepted requests for one username the users' own constraint decides, as before;
-- this column only makes later registrations see the username as taken.
alter table registration_organization_lookup add column username_key text;
create index registration_organization_lookup_username on registration_organization_lookup (username_key);
