-- User search (R-SEARCH-1..3) for terms of any characters, and one order everywhere.
--
-- pg_trgm only makes trigrams of letters and digits, so V8's trigram indexes could not
-- help a term like '@@@', '.com', 'e.c' or '%_\' at all: every row was checked. The search
-- key below is the lower-cased text with each ASCII space or punctuation character
-- replaced by a Greek small letter (one letter each for the frequent ones, kappa for the
-- rest), which pg_trgm counts as a letter in a UTF-8 database. Punctuation then takes part
-- in trigrams: '.com' becomes 'βcom'. Greek letters of real names map to themselves, so a
-- term finds every row that contains it, plus at most some rows with Greek letters where
-- the term has punctuation: the queries recheck each candidate with strpos on the
-- lower-cased text, which alone decides (a false candidate costs time, never a wrong
-- result). Under a locale where these letters are not word characters, pg_trgm treats
-- them like punctuation in the index and in the term alike: still correct, only slower.
-- The map replaces %, _ and \ too, so a translated term is a LIKE pattern with no wildcards.
create function user_search_key(text) returns text
    language sql immutable strict parallel safe
as $$ select translate(lower($1), ' !"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', 'ακκκκθκζκκκηκδβκκκκκκκγκικκεκκκκκ') $$;

-- The search keys replace V8's trigram indexes (one GIN per column: each costs every write).
drop index user_view_full_name_trgm;
drop index user_view_email_trgm;
create index user_view_full_name_key on user_view using gin (user_search_key(full_name) gin_trgm_ops);
create index user_view_email_key on user_view using gin (user_search_key(email) gin_trgm_ops);
-- The planner estimates how many rows a term matches from a sample of the search keys; it
-- decides between walking a sort index (many matches) and the trigram index (few), and a walk
-- for a term that matches nearly nothing reads the whole index. 1,000 sampled values (instead of
-- 100) resolve about 0.1% of the rows, the order of the count cap at a million users.
alter index user_view_full_name_key alter column 1 set statistics 1000;
alter index user_view_email_key alter column 1 set statistics 1000;

-- Names and emails sort in the code-point order of their lower-cased text (collation "C")
-- in pages and typeahead alike, whatever the database's collation: only with "C" can a
-- b-tree serve the typeahead's "starts with" (LIKE 'abc%') as a range, in that same order.
drop index user_view_by_name;
drop index user_view_by_email;
drop index user_view_by_role;
create index user_view_by_name on user_view (lower(full_name) collate "C", user_id);
create index user_view_by_email on user_view (lower(email) collate "C", user_id);
create index user_view_by_role on user_view (account_role, lower(full_name) collate "C", user_id);
