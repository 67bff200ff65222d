-- A trigram index of the name's search key without its first character.
--
-- Why: a page of a common name term in name order (say "james jo", 7,000 users at a million)
-- whose first 20 lie late in that order was the sort of every match: no search head held them,
-- and only reading every match proved that no earlier name had the term somewhere inside. The
-- matches split in two: names that start with the term, a range of user_view_by_name read in
-- order and no further than the page; and names that have it after their first character, which
-- this index finds (rare for such terms: "Mary James Jones"). The search reads the first part up
-- to the page and all of the second, and sorts the two together (SearchQueries.splitAtTerm).
-- Every write of a name pays for one more index entry set; emails have none (their order's
-- slow terms are fewer).

-- A million rows take about half a minute here, past the pool's statement timeout.
set local statement_timeout = 0;

create index user_view_name_key_later on user_view using gin (substr(name_key, 2) gin_trgm_ops);
analyze user_view;
