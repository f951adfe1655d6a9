#!/usr/bin/env bash
# link and unlink, run as an admin would: decisions land in the state database with who and
# when, conflicts are refused naming the other key; link works beside a lock holder, unlink does
# not; the target binding holds.
source "$(dirname "$0")/lib.bash"

# A config like the bad-rows fixture, with its state database in this test's temp dir.
cp "$EIGHTSYNC_FIXTURES_DIR/config/hr_with_bad_rows.csv" "$WORK/"
sed "s|^  path: state.db$|  path: $WORK/state.db|" "$EIGHTSYNC_FIXTURES_DIR/config/bad_rows.yaml" >"$WORK/cfg.yaml"
grep -qF "path: $WORK/state.db" "$WORK/cfg.yaml" || fail "could not point state.path at $WORK/state.db"
DB="$WORK/state.db"
ME=$(id -un)

# link KEY ID on a fresh system: the database is created, bound and migrated; one sentence out.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00201 id-201
expect_in "$WORK/out" "Recorded that HR key 00201 is 8x8 user id-201 (decided by $ME"
expect_in "$WORK/out" "the next cycle checks that user in 8x8 and then manages it."
expect_not_in "$WORK/err" "warning"
expect_sql "SELECT decision || '|' || scim_id FROM operator_decisions WHERE hr_key = '00201'" "link|id-201"
expect_sql "SELECT decided_by LIKE '$ME%' AND decided_at LIKE '____-__-__T__:__:__.___Z' FROM operator_decisions" "1"
expect_sql "SELECT value FROM meta WHERE key = 'target_url'" "http://127.0.0.1:8443/scim/v2"
# Every shipped migration applied, in order (the list grows with each one).
shipped=$(cd "$EIGHTSYNC_SOURCE_DIR/migrations" && ls [0-9][0-9][0-9][0-9]_*.sql | tr '\n' ' ')
expect_sql "PRAGMA user_version" "$(wc -w <<<"$shipped")"
expect_sql "SELECT group_concat(file_name, ' ') || ' ' FROM schema_migrations ORDER BY version" "$shipped"
expect_sql "PRAGMA journal_mode" "wal"
# link takes no writer lock (it only records a decision): it leaves no lock file behind.
[ ! -e "$DB.lock" ] || fail "link created the writer lock file"

# The same decision again changes nothing.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00201 id-201
expect_in "$WORK/out" "HR key 00201 already has the operator decision to link it to 8x8 user id-201 (by $ME"
expect_in "$WORK/out" "nothing changed."

# An ID already chosen for another key is refused, naming that key.
run_cmd 5 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00209 id-201
expect_in "$WORK/err" "refused: 8x8 user id-201 is already chosen for HR key 00201 (by $ME"
expect_in "$WORK/err" "run \`eightsync unlink 00201\` first if that decision is wrong; nothing was changed"
expect_sql "SELECT count(*) FROM operator_decisions" "1"

# --create-new for a key HR does not have (yet): recorded, with a warning.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00999 --create-new
expect_in "$WORK/out" "Recorded that HR key 00999 gets a new 8x8 user instead of a match (decided by $ME"
expect_in "$WORK/err" "warning: HR key 00999 is not among the in-scope users of the HR export"
expect_sql "SELECT decision || '|' || ifnull(scim_id, 'NULL') FROM operator_decisions WHERE hr_key = '00999'" \
  "create_new|NULL"

# A key whose row is quarantined: recorded, with a warning that says why.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00205 id-205
expect_in "$WORK/err" "warning: HR key 00205 is quarantined in the HR export (duplicate_key:"

# A link a cycle made (as the executor would store it): other keys cannot take its 8x8 user.
sql "INSERT INTO user_links (hr_key, scim_id, user_name, managed_by, applied_hash, applied_active, updated_at)
     VALUES ('00204', 'id-204', 'dmitri.ivanov@example.com', 'matched', '0123456789abcdef', 1,
             '2024-05-01T00:00:00.000Z')"
run_cmd 5 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00203 id-204
expect_in "$WORK/err" "refused: 8x8 user id-204 is already linked to HR key 00204 (userName dmitri.ivanov@example.com, adopted on a match)"
run_cmd 5 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00204 --create-new
expect_in "$WORK/err" "refused: HR key 00204 is already linked to 8x8 user id-204"
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00204 id-204
expect_in "$WORK/out" "HR key 00204 is already linked to 8x8 user id-204"

# unlink says what it removed, and leaves the rest alone.
run_cmd 0 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml" 00204
expect_in "$WORK/out" "Unlinked HR key 00204: removed its link to 8x8 user id-204 (userName dmitri.ivanov@example.com, adopted on a match); the 8x8 user itself is unchanged"
expect_sql "SELECT count(*) FROM user_links" "0"
run_cmd 0 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml" 00201
expect_in "$WORK/out" "Unlinked HR key 00201: removed the operator decision to link it to 8x8 user id-201 (by $ME"
expect_sql "SELECT group_concat(hr_key, ' ') FROM (SELECT hr_key FROM operator_decisions ORDER BY hr_key)" "00205 00999"
run_cmd 0 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml" 00201
expect_in "$WORK/out" "Nothing to unlink: HR key 00201 has no link and no operator decision in $DB."
# Now that 00201 let go of id-201, another key may have it.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00209 id-201

# While another process (the service) holds the writer lock, link still records its decision
# (the next cycle checks it), but unlink stops and names the holder's pid: a running cycle could
# rewrite the link it removes.
( flock -x 9; echo "$BASHPID" >&9; exec sleep 60 ) 9>"$DB.lock" &
holder=$!
for _ in $(seq 50); do [ -s "$DB.lock" ] && break; sleep 0.1; done
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00208 id-208
expect_sql "SELECT decision || ':' || scim_id FROM operator_decisions WHERE hr_key = '00208'" "link:id-208"
run_cmd 4 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml" 00205
expect_in "$WORK/err" "$DB is locked by eightsync pid $holder; only one eightsync process at a time may write"
kill "$holder"; wait "$holder" 2>/dev/null || true
run_cmd 0 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml" 00205
run_cmd 0 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml" 00208

# The database is bound to its target: another URL is refused, naming both.
sed "s|http://127.0.0.1:8443/scim/v2|http://127.0.0.1:9443/scim/v2|" "$WORK/cfg.yaml" >"$WORK/other.yaml"
run_cmd 3 "$EIGHTSYNC" link -c "$WORK/other.yaml" 00208 id-208
expect_in "$WORK/err" "$DB is bound to target http://127.0.0.1:8443/scim/v2, but the config's target.url is http://127.0.0.1:9443/scim/v2"
expect_in "$WORK/err" "set state.path to another file"

# A state directory that does not exist is named.
sed "s|path: $WORK/state.db|path: $WORK/missing/state.db|" "$WORK/cfg.yaml" >"$WORK/missing.yaml"
run_cmd 3 "$EIGHTSYNC" unlink -c "$WORK/missing.yaml" 00201
expect_in "$WORK/err" "$WORK/missing/state.db.lock"

# Usage errors and help.
run_cmd 64 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00201
expect_in "$WORK/err" "give the 8x8 user's ID, or --create-new"
run_cmd 64 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00201 id-1 --create-new
run_cmd 64 "$EIGHTSYNC" unlink -c "$WORK/cfg.yaml"
run_cmd 64 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00201 "two words"
run_cmd 1 "$EIGHTSYNC" link -c "$WORK/absent.yaml" 00201 id-1
run_cmd 0 "$EIGHTSYNC" link --help
expect_in "$WORK/out" "Examples"
expect_in "$WORK/out" "Nothing is sent to"
run_cmd 0 "$EIGHTSYNC" unlink --help
expect_in "$WORK/out" "Example"

done_ok
