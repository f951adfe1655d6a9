-- eightsync state database, step 7: bound to the 8x8 account, not to the URL text (invariant 10).
--   meta.target_account: what the database is bound to: "8x8-customer:{ID}" for a target.url of
--     8x8's https://HOST/udi/customers/{ID}/scim/v2 shape, else "url:" and the normalized URL.
--     eightsync writes it when it next opens a database from before this step, derived from
--     meta.target_url. meta.target_url stays the URL of the latest open.
--   target_changes: each time the same customer was opened under another URL (8x8 serves one
--     account at platform.8x8.com and platform-cloud.8x8.com). A different customer id is
--     refused, and nothing is written.
CREATE TABLE target_changes (
  id          INTEGER PRIMARY KEY,
  changed_at  TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  old_url     TEXT NOT NULL,
  new_url     TEXT NOT NULL
);
