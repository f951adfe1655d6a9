-- eightsync state database, step 6: a write's follow-ups travel with its intent, and a manual
-- action remembers the HR row it was raised for.
--   operations.follow_ups_json: the manual actions this operation makes due once 8x8 applied it
--     (assign a license and show in the directory after a create, reclaim the license after a
--     deactivation), as a JSON array of {kind, hr_key, scim_id, user_name, text, dedupe_key}.
--     Whoever records the operation applied (its answer, a lookup in the same cycle, or the
--     lookup at the next start after a crash or a full disk) raises them in the same
--     transaction. NULL: none.
--   manual_actions.hr_hash: the content hash (16 lowercase hex digits) of the HR row the action
--     was raised for, where it matters: a possible-duplicate conflict stays raised while that
--     row is unchanged, even when a later listing no longer shows the lookalike. NULL: not kept.
ALTER TABLE operations ADD COLUMN follow_ups_json TEXT;
ALTER TABLE manual_actions ADD COLUMN hr_hash TEXT
  CHECK (hr_hash IS NULL OR (length(hr_hash) = 16 AND hr_hash NOT GLOB '*[^0-9a-f]*'));
