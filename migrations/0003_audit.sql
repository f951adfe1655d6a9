-- eightsync state database, step 3: the audit tables. After every cycle they answer what
-- changed, why, what failed and what a human still has to do. eightsync writes them through
-- core/audit_log.cpp; admins read them with `eightsync audit` or plain sqlite3, e.g.
--   sqlite3 -readonly /var/lib/eightsync/state.db 'SELECT * FROM last_cycle'
--   sqlite3 -readonly /var/lib/eightsync/state.db "SELECT * FROM user_history WHERE hr_key = '00123'"
-- Times are ISO-8601 UTC text ('2024-05-01T12:34:56.789Z') like the other tables: they sort as
-- text and sqlite3's date functions read them. The 8x8 API token is never stored anywhere here;
-- error texts pass through a redaction that replaces any `Bearer …` credential.
-- Retention (`audit.retention` in the config, default 400d) prunes old cycles with their
-- operations, quarantined rows and held operations, but never an open manual action, an
-- unresolved intent, a pending approval or the last cycle.

-- One row per cycle (a run of `eightsync sync`, or one pass of the daemon's loop).
--   kind:          'full' (paged through all of GET /Users) or 'incremental' (trusted state.db)
--   triggered_by:  why it ran: 'cli' (eightsync sync), 'schedule', 'source_change' (the HR
--                  export changed), 'signal' (SIGHUP/SIGUSR1), 'startup', 'approval' (an
--                  operator approved a held cycle)
--   source_path, source_sha256: the HR export read and its SHA-256 (hex); NULL until read
--   rows_read, rows_in_scope, rows_quarantined: counts from the export; NULL when it was not read
--   requests_planned: requests the plan expected to cost (reads and writes)
--   requests_sent:    requests actually sent, retries and 429s included; the difference to
--                     requests_planned is the cost of faults
--   outcome:       NULL while the cycle runs; then
--                  'ok'              everything planned was done
--                  'partial'         some users failed (see operations.outcome = 'failed')
--                  'held'            a safety limit held operations back (see held_operations;
--                                    `eightsync approve CYCLE` lets the next cycle apply them)
--                  'auth_failed'     8x8 answered 401: the token is gone; nothing more was sent
--                  'write_forbidden' 403 on writes for two or more users: another client is the
--                                    primary provisioning client; the rest of the cycle only read
--                  'source_rejected' the HR export failed to read or failed a sanity check
--                  'interrupted'     the process ended (crash, kill, shutdown) before the end;
--                                    set by the next start
--   error:         what went wrong, for a person (redacted), or NULL
-- Per-kind and per-outcome counts of operations are in the view cycle_counts, computed from
-- the operations themselves so they can never disagree.
CREATE TABLE cycles (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at       TEXT NOT NULL,
  ended_at         TEXT,
  kind             TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
  triggered_by     TEXT NOT NULL
                     CHECK (triggered_by IN ('cli', 'schedule', 'source_change', 'signal', 'startup', 'approval')),
  source_path      TEXT,
  source_sha256    TEXT,
  rows_read        INTEGER CHECK (rows_read >= 0),
  rows_in_scope    INTEGER CHECK (rows_in_scope >= 0),
  rows_quarantined INTEGER CHECK (rows_quarantined >= 0),
  requests_planned INTEGER NOT NULL DEFAULT 0 CHECK (requests_planned >= 0),
  requests_sent    INTEGER NOT NULL DEFAULT 0 CHECK (requests_sent >= 0),
  outcome          TEXT CHECK (outcome IN ('ok', 'partial', 'held', 'auth_failed', 'write_forbidden',
                                           'source_rejected', 'interrupted')),
  error            TEXT,
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX cycles_open ON cycles (id) WHERE outcome IS NULL;

-- One row per operation on one 8x8 user. The executor writes it in two commits: the intent
-- (outcome NULL) before the request leaves, then the outcome after it. A row whose outcome is
-- still NULL after a crash is an intent nobody knows the fate of; the next start resolves it
-- by looking the user up, never by resending.
--   kind:        'create' (POST), 'update' (PUT), 'deactivate' / 'reactivate' (PATCH active),
--                'adopt' (link an existing 8x8 user: no request), 'lookup' (a GET that decided
--                something, e.g. after a 409)
--   scim_id:     8x8's id; NULL for a create until the response (or a lookup) names it
--   diff_json:   the attributes changed, only those: [{"attribute":"title","before":"…","after":"…"}]
--                ("" means absent); NULL when nothing changes (PATCH, adopt)
--   method, path, body_json: the request as sent (the body never holds the token; the
--                Authorization header is never recorded); NULL when no request is sent
--   status:      the last HTTP status received; NULL when none was
--   attempts:    requests sent for this operation, retries included
--   latency_ms:  from the first attempt to the last response
--   outcome:     NULL  an intent not resolved yet (the crash-safety marker)
--                'ok'                   8x8 confirmed the change (2xx), or an adopt was recorded
--                'failed'               8x8 refused it (4xx/5xx after retries) or it provably
--                                       never left: the change was not made
--                'not_applied'          8x8 answered 2xx but its object shows the change (or part
--                                       of it) was not made; a manual action says what to do
--                'conflict'             a create met an existing userName (409) that cannot be
--                                       adopted; a resolve_conflict manual action was raised
--                'skipped'              not sent: the cycle ended (401) or turned read-only (403),
--                                       the user is backing off, or an operation it waits on failed
--                'resolved_applied'     the response was lost (timeout, crash); a lookup showed
--                                       the change is in 8x8
--                'resolved_not_applied' the response was lost; a lookup showed it is not
--   resolved_by: how the outcome was learned: 'response', 'lookup', or 'local' (no request)
--   error_detail: what went wrong, redacted (any `Bearer …` credential is replaced)
CREATE TABLE operations (
  id           INTEGER PRIMARY KEY,
  cycle_id     INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
  hr_key       TEXT NOT NULL,
  scim_id      TEXT,
  user_name    TEXT,
  external_id  TEXT,
  kind         TEXT NOT NULL CHECK (kind IN ('create', 'update', 'deactivate', 'reactivate', 'adopt', 'lookup')),
  reason       TEXT,
  diff_json    TEXT,
  method       TEXT,
  path         TEXT,
  body_json    TEXT,
  status       INTEGER,
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  latency_ms   INTEGER CHECK (latency_ms >= 0),
  intent_at    TEXT NOT NULL,
  outcome_at   TEXT,
  outcome      TEXT CHECK (outcome IN ('ok', 'failed', 'not_applied', 'conflict', 'skipped', 'resolved_applied',
                                       'resolved_not_applied')),
  resolved_by  TEXT CHECK (resolved_by IN ('response', 'lookup', 'local')),
  error_detail TEXT,
  CHECK ((outcome IS NULL) = (outcome_at IS NULL)),
  CHECK ((outcome IS NULL) = (resolved_by IS NULL))
);
CREATE INDEX operations_unresolved ON operations (id) WHERE outcome IS NULL;
CREATE INDEX operations_cycle ON operations (cycle_id, kind, outcome);
CREATE INDEX operations_hr_key ON operations (hr_key);
CREATE INDEX operations_user_name ON operations (user_name COLLATE NOCASE);

-- HR rows a cycle set aside, with where they were and why (reason: field_count, invalid_utf8,
-- invalid_record, empty_key, duplicate_key, map_missing, missing_required, invalid_email,
-- unsafe_user_name). hr_key is NULL when no key could be read: such a row holds that cycle's
-- "missing from HR" deactivations.
CREATE TABLE quarantined_rows (
  id       INTEGER PRIMARY KEY,
  cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
  line     INTEGER NOT NULL,  -- 1-based physical line; 0 when the export is not line-based
  record   INTEGER NOT NULL,  -- 1-based ordinal of the data record
  hr_key   TEXT,
  reason   TEXT NOT NULL,
  detail   TEXT NOT NULL
);
CREATE INDEX quarantined_rows_cycle ON quarantined_rows (cycle_id);

-- Follow-ups only an admin can do in 8x8's Admin Console. kind: assign_license,
-- show_in_directory, reclaim_license_and_number, change_site, change_user_name,
-- admin_deactivated, resolve_conflict. dedupe_key is `KIND:HR_KEY:SCIM_ID[:VALUE]`: at most one
-- open action per key, so a cycle never raises the same one twice.
--   status: 'open' until someone runs `eightsync manual-actions --resolve ID` (or eightsync
--           sees it done), then 'resolved' with resolved_at, resolved_by (the OS user, or
--           'eightsync') and an optional note
--   raised_in_cycle: the cycle that raised it; NULL once that cycle was pruned
CREATE TABLE manual_actions (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,
  hr_key          TEXT NOT NULL,
  scim_id         TEXT,
  user_name       TEXT,
  text            TEXT NOT NULL,
  dedupe_key      TEXT NOT NULL,
  raised_in_cycle INTEGER REFERENCES cycles (id) ON DELETE SET NULL,
  raised_at       TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_at     TEXT,
  resolved_by     TEXT,
  note            TEXT,
  CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX manual_actions_open_dedupe ON manual_actions (dedupe_key) WHERE status = 'open';
CREATE INDEX manual_actions_hr_key ON manual_actions (hr_key);

-- Operations a safety hold kept back in a cycle, for `eightsync approve CYCLE` to show and
-- approve. kind as in operations; hold_reason: max_deactivations, max_deactivation_percent,
-- max_creates, max_updates, source_shrink, empty_source, key_churn, quarantined_without_key,
-- waits_for_held; hold_text the sentence with the numbers; reason why the operation was planned;
-- diff_json as in operations.
CREATE TABLE held_operations (
  id          INTEGER PRIMARY KEY,
  cycle_id    INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
  hr_key      TEXT NOT NULL,
  scim_id     TEXT,
  user_name   TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('create', 'update', 'deactivate', 'reactivate', 'adopt')),
  hold_reason TEXT NOT NULL,
  hold_text   TEXT NOT NULL,
  reason      TEXT,
  diff_json   TEXT
);
CREATE INDEX held_operations_cycle ON held_operations (cycle_id);

-- An operator's consent (`eightsync approve CYCLE [--only SCOPE]`) to the operations held in
-- cycle_id. It is only consent: the next cycle applies held operations that are approved and
-- still planned against fresh data, then sets consumed_in_cycle, so an approval is used once.
--   scope: 'all', or only 'deactivations' (deactivate), 'creates' (create) or 'updates'
--          (update, reactivate, adopt)
--   consumed_in_cycle: NULL while pending; the id of the cycle that applied it (no foreign key:
--          it stays set after that cycle is pruned)
CREATE TABLE approvals (
  id                INTEGER PRIMARY KEY,
  cycle_id          INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
  scope             TEXT NOT NULL CHECK (scope IN ('all', 'deactivations', 'creates', 'updates')),
  approved_at       TEXT NOT NULL,
  approved_by       TEXT NOT NULL,
  consumed_in_cycle INTEGER
);
CREATE INDEX approvals_pending ON approvals (cycle_id) WHERE consumed_in_cycle IS NULL;

-- Users whose operations keep failing back off across cycles: after the Nth failing cycle in a
-- row the next min(2^(N-1), 64) cycles skip them (1, 2, 4 … 64). retry_after_cycle is the first
-- cycle id that tries again (cycles with a smaller id skip the user); last_failed_cycle keeps
-- two failures in one cycle from counting twice. A success removes the row.
CREATE TABLE user_backoff (
  hr_key            TEXT PRIMARY KEY NOT NULL,
  failures          INTEGER NOT NULL CHECK (failures >= 1),
  retry_after_cycle INTEGER NOT NULL,
  last_failed_cycle INTEGER NOT NULL,
  last_error        TEXT,
  first_failed_at   TEXT NOT NULL,
  last_failed_at    TEXT NOT NULL
) WITHOUT ROWID;

-- The request pacing shared by every eightsync process using this file (invariant 8): the send
-- slots handed out within the last rate-limit window (one row each, ISO-8601 UTC, rounded up
-- to the millisecond). The pause a 429's Retry-After imposed is meta key
-- 'rate_limit.paused_until'. Both are read and written in one transaction per request.
CREATE TABLE rate_limit_slots (
  sent_at TEXT NOT NULL
);

-- Views for admins (plain sqlite3) and `eightsync audit`.

-- Per cycle, operation kind and outcome ('unresolved' for an intent with no outcome yet).
CREATE VIEW cycle_counts AS
  SELECT cycle_id, kind, coalesce(outcome, 'unresolved') AS outcome, count(*) AS operations
  FROM operations
  GROUP BY cycle_id, kind, outcome;

-- The newest cycle, with its operation totals.
CREATE VIEW last_cycle AS
  SELECT c.*,
         (SELECT count(*) FROM operations o WHERE o.cycle_id = c.id) AS operations,
         (SELECT count(*) FROM operations o WHERE o.cycle_id = c.id AND o.outcome = 'failed') AS failed,
         (SELECT count(*) FROM operations o WHERE o.cycle_id = c.id AND o.outcome IS NULL) AS unresolved,
         (SELECT count(*) FROM held_operations h WHERE h.cycle_id = c.id) AS held
  FROM cycles c
  ORDER BY c.id DESC
  LIMIT 1;

-- What an admin still has to do, oldest first.
CREATE VIEW open_manual_actions AS
  SELECT id, kind, hr_key, scim_id, user_name, text, raised_in_cycle, raised_at
  FROM manual_actions
  WHERE status = 'open'
  ORDER BY id;

-- Every operation with its cycle's start, oldest first: filter by hr_key or user_name
-- (WHERE user_name = 'ada@example.com' COLLATE NOCASE).
CREATE VIEW user_history AS
  SELECT o.hr_key, o.user_name, o.scim_id, o.cycle_id, c.started_at AS cycle_started_at, o.intent_at,
         o.outcome_at, o.kind, o.reason, o.diff_json, o.method, o.path, o.status, o.attempts, o.outcome,
         o.resolved_by, o.error_detail, o.id AS operation_id
  FROM operations o
  JOIN cycles c ON c.id = o.cycle_id
  ORDER BY o.intent_at, o.id;
