-- eightsync state database, step 11: date-driven operations approved ahead
-- (`eightsync approve --upcoming --horizon 7d`), such as an end-of-month batch of terminations.
--   hr_key, kind: the operation ('create', 'deactivate' or 'reactivate', the activation at a start)
--   due_at: the effective instant it was approved for (UTC, as the plan showed it). A date HR
--     moves afterwards is another instant, and so not approved.
--   horizon_end: the end of the span the operator approved (approved_at + --horizon)
-- A safety limit neither counts nor holds an approved operation when its instant comes. Source
-- holds (a shrunk, empty or re-keyed export) still hold it.
CREATE TABLE upcoming_approvals (
  id          INTEGER PRIMARY KEY,
  hr_key      TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('create', 'deactivate', 'reactivate')),
  due_at      TEXT NOT NULL,
  approved_at TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  horizon_end TEXT NOT NULL
);
CREATE INDEX upcoming_approvals_key ON upcoming_approvals (hr_key);
