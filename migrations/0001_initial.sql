-- eightsync state and audit schema, step 1: the schema version record and the target binding.
-- The state store (core/) fills in the rest in later steps.
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
