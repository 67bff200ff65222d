-- B4 (rebuild of the users read model). Most updates of a user_view row change no indexed
-- column (a language, a name kept, updated_at and version): with room left in each page
-- they are HOT updates, which write no index entry (not even in the trigram GIN indexes).
-- Applies to pages written from now on, so to every row after the next rebuild.
alter table user_view set (fillfactor = 80);
