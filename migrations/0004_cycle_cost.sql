-- eightsync state database, step 4: what each cycle cost beyond its plan. requests_sent minus
-- requests_planned is the price of retries, 429s and extra reads; these columns itemize it so an
-- admin can see why a cycle was slow or expensive without reading the logs:
--   requests_retried    requests sent again after a timeout, a reset, a 5xx or a 429
--   responses_429       429 Too Many Requests answers 8x8 gave during the cycle
--   rate_limit_wait_ms  time the cycle waited on the rate limiter (target.rate_limit, and the
--                       pauses 8x8's Retry-After imposed) before sending
-- Cycles recorded before this step read 0.
--   sqlite3 -readonly /var/lib/eightsync/state.db \
--     'SELECT id, requests_planned, requests_sent, requests_retried, responses_429, rate_limit_wait_ms FROM cycles ORDER BY id DESC LIMIT 10'
ALTER TABLE cycles ADD COLUMN requests_retried INTEGER NOT NULL DEFAULT 0 CHECK (requests_retried >= 0);
ALTER TABLE cycles ADD COLUMN responses_429 INTEGER NOT NULL DEFAULT 0 CHECK (responses_429 >= 0);
ALTER TABLE cycles ADD COLUMN rate_limit_wait_ms INTEGER NOT NULL DEFAULT 0 CHECK (rate_limit_wait_ms >= 0);
