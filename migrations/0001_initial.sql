-- eightsync state database, step 1: the migration record, facts about the database, and one
-- row per HR key linked to an 8x8 user. The state store (core/state_store.cpp) runs each file
-- in one transaction and then records it in schema_migrations and PRAGMA user_version.
-- Times are ISO-8601 UTC text ('2024-05-01T12:34:56.789Z'), which sqlite3's date functions read.

-- Every migration applied to this file, in order.
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  file_name  TEXT NOT NULL,
  applied_at TEXT NOT NULL
);

-- Facts about this database as key/value text. Keys in use:
--   target_url                    the 8x8 SCIM base URL this database is bound to (normalized)
--   created_at                    when the database was created
--   last_good_cycle.source_rows   HR rows read by the last good cycle
--   last_good_cycle.managed_users users eightsync managed at the end of it
--   last_good_cycle.completed_at  when it ended
--   last_full_listing_at          when the last complete GET /Users listing finished
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One HR key linked to one 8x8 user (core/user_link.hpp).
--   applied_hash: the 64-bit content hash of the desired attributes last applied, as 16
--     lowercase hex digits (the same text `eightsync preview` prints), NULL before the first write.
--   applied_active: `active` as last applied (or as seen when adopted): 0 or 1, NULL if unknown.
--   remote_json / fetched_at: the last complete 8x8 object and when it was fetched; both NULL
--     or both set. The store rewrites them only when the JSON text changes.
CREATE TABLE user_links (
  hr_key         TEXT PRIMARY KEY NOT NULL CHECK (hr_key <> ''),
  scim_id        TEXT NOT NULL UNIQUE CHECK (scim_id <> ''),
  user_name      TEXT NOT NULL,
  managed_by     TEXT NOT NULL CHECK (managed_by IN ('created', 'matched', 'linked')),
  applied_hash   TEXT CHECK (applied_hash IS NULL OR
                             (length(applied_hash) = 16 AND applied_hash NOT GLOB '*[^0-9a-f]*')),
  applied_active INTEGER CHECK (applied_active IN (0, 1)),
  remote_json    TEXT,
  fetched_at     TEXT,
  updated_at     TEXT NOT NULL,
  CHECK ((remote_json IS NULL) = (fetched_at IS NULL))
);
