-- The delta tables' comments pointed at the script that created them in the legacy history
-- (db/legacy); they now say where their writers are. A separate version rather than an edit
-- of V1, because databases from before each module had its own schema get V1 as a baseline,
-- not run: only a later version reaches them.
comment on table report_user_count_deltas is
    'Changes to report_user_counts not folded in yet (written by the triggers on user_view and '
    'user_membership_view, insert only; folded by report_counts_fold).';
comment on table report_pending_count_deltas is
    'Changes to report_pending_counts not folded in yet (written by the triggers on user_view and '
    'user_membership_view, insert only; folded by report_counts_fold).';
