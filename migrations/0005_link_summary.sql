-- eightsync state database, step 5: let a full sync cycle read the links without reading the
-- 8x8 objects. remote_json fills most of user_links (about 1 kB a user), and a table scan reads
-- every page of it, so each cycle used to read the whole table twice (the planner's links, then
-- the comparison of each stored object with the listed one) just to find that nothing changed.
--   remote_hash: a fingerprint of remote_json's content: 32 lowercase hex digits, XXH64 with
--     seeds 0 and 1 of the object re-serialized in eightsync's canonical member order (so an
--     object 8x8 sent with its members in another order has the same fingerprint). NULL when
--     remote_json is NULL, is not a user object, or was written before this step (or by hand):
--     eightsync then compares the stored text itself, and fills remote_hash in once it has.
--   user_links_summary: every column a cycle reads for every link, so those scans read this
--     index (about 150 bytes a user) instead of the table.
--   user_links_remote_hash_stale: an UPDATE that changes remote_json without setting a new
--     remote_hash (plain sqlite3, say) clears the fingerprint rather than leaving a wrong one.
ALTER TABLE user_links ADD COLUMN remote_hash TEXT
  CHECK (remote_hash IS NULL OR (length(remote_hash) = 32 AND remote_hash NOT GLOB '*[^0-9a-f]*'));

CREATE INDEX user_links_summary ON user_links
  (hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, fetched_at, remote_hash);

CREATE TRIGGER user_links_remote_hash_stale AFTER UPDATE OF remote_json ON user_links
  WHEN new.remote_hash IS NOT NULL AND new.remote_hash IS old.remote_hash
       AND new.remote_json IS NOT old.remote_json
BEGIN
  UPDATE user_links SET remote_hash = NULL WHERE rowid = new.rowid;
END;
