-- Report counts: the triggers that look up users' rows by id use their indexes whatever the
-- tables' statistics say.
--
-- Why: the membership triggers join the changed memberships with user_view (and the user
-- update trigger the changed users with user_membership_view) on the user id. Until autovacuum
-- first analyzes those tables (about a minute after they start to fill: a new installation, a
-- test, a burst of creations into an empty view) PostgreSQL takes them for empty and plans a scan
-- of the whole table for each changed row: a batch of 150 memberships read 40,000 to 60,000
-- buffers and took up to 6 s under load where it takes 20 to 80 ms after the first ANALYZE, and the
-- users processor fell tens of seconds behind in its first minute of load (benchmark B7). With
-- sequential scans off inside these functions the planner takes the primary keys' indexes, which
-- is the right plan at every size for the few rows a batch changes; a scan it cannot avoid (the
-- fold's delete of every pending delta, a handful of rows) still runs.

alter function report_counts_membership_rows() set enable_seqscan = off;
alter function report_counts_membership_update() set enable_seqscan = off;
alter function report_counts_user_update() set enable_seqscan = off;
