-- eightsync state database, step 9: the unmanaged 8x8 users of the newest complete listing.
--   unmanaged_users: each user a complete full listing (GET /Users, every page) returned that no
--     link in user_links holds, with only what matching needs: an incremental cycle reads no
--     listing, so a new HR person is matched against this table (by every `match:` key and by
--     the possible-duplicate rule, same given and family name) and each user it finds is read
--     again with a GET by id before eightsync creates, adopts or raises a conflict. It is
--     rewritten in full, in the transaction that records the listing, at every complete full
--     listing (never at an incomplete one). A user linked later (created or adopted) may stay
--     here until the next rewrite: the planner skips any id a link holds.
--       scim_id      8x8's id
--       user_name    userName, as 8x8 spells it
--       external_id  externalId ('' when absent)
--       email        the work email matching compares ('' when absent, or 8x8's placeholder
--                    noreply@8x8.com, which says nothing about who a user is)
--       given_name, family_name  name.givenName and name.familyName ('' when absent)
--       active       1 or 0, as listed
--     No full JSON: an incremental cycle GETs the user before it acts on it.
--   meta 'unmanaged_users.listed_at': when the listing this table holds finished (UTC, as
--     every time in meta). Without it no complete listing has been recorded since this step, and
--     an incremental cycle creates nobody: it cannot tell whether a hand-made account already
--     belongs to a new person.
CREATE TABLE unmanaged_users (
  scim_id     TEXT PRIMARY KEY NOT NULL,
  user_name   TEXT NOT NULL,
  external_id TEXT NOT NULL,
  email       TEXT NOT NULL,
  given_name  TEXT NOT NULL,
  family_name TEXT NOT NULL,
  active      INTEGER NOT NULL CHECK (active IN (0, 1))
) WITHOUT ROWID;
