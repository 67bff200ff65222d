-- The search keys (V1's user_search_key of the name and of the email) stored in the row.
--
-- Why: a trigram index finds candidates only; pg_trgm's LIKE is lossy, so each candidate row is
-- checked again, and with the key an index expression every check translated the name or email
-- afresh. translate() over the 33 punctuation characters is slow: 3.7 µs per email (a scan of a
-- million emails took 3.8 s, against 0.4 s for the strpos that decides a match). That check was
-- most of the time of a common term's count to the cap (up to 17,000 candidates read for its
-- 1,001 matches) and of every sort of all of a term's matches (56,000 for "robe" at a million
-- users). Stored, the check is a LIKE over the column. Each write of a row computes them once.

-- A million rows take about a minute here (the table is rewritten), past the pool's statement timeout.
set local statement_timeout = 0;

alter table user_view
    add column name_key text generated always as (user_search_key(full_name)) stored,
    add column email_key text generated always as (user_search_key(email)) stored;

drop index user_view_full_name_key;
drop index user_view_email_key;
create index user_view_full_name_key on user_view using gin (name_key gin_trgm_ops);
create index user_view_email_key on user_view using gin (email_key gin_trgm_ops);
-- As V1 did for the expressions: 1,000 sampled values resolve about 0.1% of the rows.
alter table user_view alter column name_key set statistics 1000, alter column email_key set statistics 1000;
analyze user_view;
