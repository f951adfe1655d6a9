-- eightsync state database, step 8: the sites 8x8 is known to accept.
--   known_sites: each site value seen on a user 8x8 listed or returned, or accepted in a write.
--     8x8 refuses a site that does not exactly match one defined in Admin Console, and its error
--     text is not documented: when a write carrying a site not in this table answers 400,
--     eightsync blames the site (a manual action `unknown_site` per value) instead of failing
--     the user. Rows are never removed: a site deleted in Admin Console stays "known" until
--     someone deletes its row here.
CREATE TABLE known_sites (
  site          TEXT PRIMARY KEY NOT NULL,
  first_seen_at TEXT NOT NULL
);
