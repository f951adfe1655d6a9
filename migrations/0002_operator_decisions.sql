-- eightsync state database, step 2: what an operator decided with `eightsync link KEY ID` or
-- `eightsync link KEY --create-new`, for the planner to honour on the next cycle. A key has at
-- most one decision; an 8x8 id is chosen for at most one key. `eightsync unlink KEY` removes it.
CREATE TABLE operator_decisions (
  hr_key     TEXT PRIMARY KEY NOT NULL CHECK (hr_key <> ''),
  decision   TEXT NOT NULL CHECK (decision IN ('link', 'create_new')),
  scim_id    TEXT,             -- the 8x8 id to link to; NULL for create_new
  decided_at TEXT NOT NULL,    -- ISO-8601 UTC
  decided_by TEXT NOT NULL,    -- the OS user who ran the command
  CHECK ((decision = 'link') = (scim_id IS NOT NULL AND scim_id <> ''))
);
CREATE UNIQUE INDEX operator_decisions_scim_id ON operator_decisions (scim_id) WHERE scim_id IS NOT NULL;
