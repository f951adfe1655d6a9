#!/usr/bin/env bash
# `eightsync sync` end to end under faults, each scenario against a fresh emulator and a fresh
# state database: a revoked token, read-only mode, 30% 5xx, page drift, lost POST responses,
# PUT/PATCH answers lost or 503 (settled by a GET), the rate limit across two runs, a truncated export (held, then approved), key churn (held) and
# create_only. Each asserts on the emulator's store and log (GET /_emulator/users,
# /_emulator/log) and on the audit database (sqlite3).
source "$(dirname "$0")/lib.bash"

export EIGHTSYNC_TOKEN=it-token
SOURCE_LINE="path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv"

# scenario NAME [EMULATOR FLAGS...]: a fresh emulator, and a directory $S with its own config
# ($S/cfg.yaml, reading $S/hr.csv) and state database ($DB).
scenario() {
  local name=$1; shift
  echo "--- $name"
  [ -n "${EMU_PID:-}" ] && stop_emulator
  S="$WORK/$name"
  mkdir -p "$S"
  DB="$S/state.db"
  start_emulator "$@"
  example_config "$S/cfg.yaml"
  sed -i -e "s#$SOURCE_LINE#path: $S/hr.csv#" -e "s#$WORK/state.db#$DB#" "$S/cfg.yaml"
}
# cfg SED_EXPRESSION: edits this scenario's config.
cfg() { sed -i -e "$1" "$S/cfg.yaml"; }
sync_expect() { run_cmd "$1" "$EIGHTSYNC" sync -c "$S/cfg.yaml" "${@:2}"; }
last_seq() { emu_curl GET /_emulator/log | grep -o '"seq":[0-9]*' | tail -1 | cut -d: -f2; }
# log_sql SINCE SQL: SQL over the emulator's log entries after SEQ, as the view j (see emu_json_sql).
log_sql() {
  emu_save "/_emulator/log?since=$1" "$S/log.json"
  emu_json_sql "$S/log.json" "$2"
}
writes_since() { log_sql "$1" "SELECT count(*) FROM j WHERE value->>'method' IN ('POST','PUT','PATCH','DELETE')"; }
users_sql() {
  emu_save /_emulator/users "$S/users.json"
  emu_json_sql "$S/users.json" "$1"
}
no_duplicates() { expect_eq "duplicate userNames" "$(emu_duplicate_user_names)" ""; }
every_write_audited() { expect_eq "applied writes without an audit row" "$(emu_applied_writes_without_audit "$DB")" ""; }
db_sane() {
  expect_sql "SELECT count(*) FROM operations WHERE outcome IS NULL" "0"
  expect_sql "SELECT count(*) FROM cycles WHERE outcome IS NULL" "0"
  expect_sql "PRAGMA integrity_check" "ok"
}
# set_title FROM TO: every HR row's title.
set_title() { sed -i "s/,$1,Engineering,/,$2,Engineering,/" "$S/hr.csv"; }

# ---- a revoked token: 401 on the first read ends the cycle; nothing is written, and the token
# is nowhere in what eightsync prints or stores.
scenario revoked_token
hr_export "$S/hr.csv" 5
sync_expect 0
set_title Engineer "Staff Engineer"  # five updates to send
seq=$(last_seq)
emu_curl DELETE /_emulator/token >/dev/null
sync_expect 6 -v
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "auth_failed"
expect_in <(sql "SELECT error FROM cycles WHERE id = 2") "8x8 refused the token (401)"
expect_not_in <(sql "SELECT error FROM cycles WHERE id = 2") "Bearer"
expect_eq "writes after the revocation" "$(writes_since "$seq")" "0"
expect_eq "401s" "$(log_sql "$seq" "SELECT count(*) > 0 FROM j WHERE value->>'status' = 401")" "1"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND outcome NOT IN ('skipped')" "0"
for f in "$WORK/out" "$WORK/err" "$DB" "$DB-wal" "$S/log.json"; do
  [ -e "$f" ] || continue
  if grep -qaF it-token "$f"; then fail "the token appears in $f"; fi
  checks=$((checks + 1))
done
# A new token: the next cycle sends the updates.
emu_curl POST /_emulator/token '{"token":"it-token"}' >/dev/null
sync_expect 0
expect_eq "titles after a new token" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Staff Engineer'")" "5"
db_sane

# ---- read-only mode (another client is primary): 403 for a first user is that user's failure,
# for a second one the rest of the cycle only reads (skipped, not sent).
scenario read_only
hr_export "$S/hr.csv" 6
sync_expect 0
set_title Engineer "Staff Engineer"
seq=$(last_seq)
emu_curl PATCH /_emulator/settings '{"read_only":true}' >/dev/null
sync_expect 10
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "write_forbidden"
expect_in <(sql "SELECT error FROM cycles WHERE id = 2") "403"
expect_sql "SELECT outcome || ':' || count(*) FROM operations WHERE cycle_id = 2 GROUP BY outcome ORDER BY outcome" \
  "$(printf 'failed:2\nskipped:4')"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND outcome = 'failed' AND status = 403" "2"
# The two 403s came first; everything after them was recorded, not sent.
expect_sql "SELECT max(id) FROM operations WHERE cycle_id = 2 AND outcome = 'failed'" \
  "$(sql "SELECT min(id) - 1 FROM operations WHERE cycle_id = 2 AND outcome = 'skipped'")"
expect_eq "writes sent in read-only mode" "$(writes_since "$seq")" "2"
expect_eq "titles changed in read-only mode" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Staff Engineer'")" "0"
# 8x8 writable again: the next cycle completes all six (a read-only account is nobody's fault,
# so no user backs off for it).
emu_curl PATCH /_emulator/settings '{"read_only":false}' >/dev/null
sync_expect 0
expect_sql "SELECT kind || ':' || outcome || ':' || count(*) FROM operations WHERE cycle_id = 3 GROUP BY kind, outcome" "update:ok:6"
expect_eq "titles after read-only ended" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Staff Engineer'")" "6"
db_sane

# ---- 30% of requests answer 503 (fixed seed): a first load of 40 users converges over a few
# cycles (partial on the way), with no duplicate and every applied write audited.
scenario faults_5xx --seed 11 --fault '{"kind":"status","status":503,"rate":0.3}'
hr_export "$S/hr.csv" 40
cfg "s#max_deactivation_percent: 5#max_deactivation_percent: 50#"
runs=0 outcomes=""
while :; do
  runs=$((runs + 1))
  [ "$runs" -le 15 ] || fail "no clean cycle after 15 runs under 30% 503s: $outcomes"
  got=0
  "$EIGHTSYNC" sync -c "$S/cfg.yaml" >"$WORK/out" 2>"$WORK/err" || got=$?
  outcomes="$outcomes $got"
  case "$got" in
    0) [ "$(users_sql "SELECT count(*) FROM j")" = 40 ] && break ;;
    8) ;;
    *) cat "$WORK/out" "$WORK/err"; fail "sync exited $got under 503s (0 or 8 expected)" ;;
  esac
done
echo "exits under 30% 503s:$outcomes"
expect_in <(echo "$outcomes") " 8"  # at least one partial cycle on the way
expect_eq "users after convergence" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active'")" "40"
expect_eq "users with their HR key" "$(users_sql "SELECT count(*) FROM j WHERE value->>'externalId' LIKE 'E000%'")" "40"
expect_eq "503s answered" "$(log_sql 0 "SELECT count(*) > 5 FROM j WHERE value->>'status' = 503")" "1"
no_duplicates
every_write_audited
expect_sql "SELECT count(*) FROM user_links" "40"
# A 503 on a POST is an unknown outcome: looked up, never resent.
expect_sql "SELECT count(*) > 0 FROM operations WHERE kind = 'create' AND resolved_by = 'lookup'" "1"
# Once converged, a second cycle has nothing to do.
seq=$(last_seq)
emu_curl DELETE /_emulator/faults >/dev/null
sync_expect 0
expect_eq "writes after convergence" "$(writes_since "$seq")" "0"
db_sane

# ---- page drift: users inserted at the front of the listing while it is paged shift the later
# pages, so the listing misses existing users. It is not trusted as the whole account: nothing
# is deactivated or created, the drift users are left alone.
scenario drift
hr_export "$S/hr.csv" 40
cfg "s#page_size: 100#page_size: 10#"
sync_expect 0
listed_at=$(sql "SELECT value FROM meta WHERE key = 'last_full_listing_at'")
[ -n "$listed_at" ] || fail "no full listing recorded by the first cycle"
seq=$(last_seq)
emu_curl POST /_emulator/faults '{"kind":"drift","insert":5,"next":1}' >/dev/null
got=0
"$EIGHTSYNC" sync -c "$S/cfg.yaml" --full >"$WORK/out" 2>"$WORK/err" || got=$?
case "$got" in 0 | 8) checks=$((checks + 1)) ;; *) cat "$WORK/out" "$WORK/err"; fail "sync during drift exited $got" ;; esac
expect_in "$WORK/err" "complete=false"
expect_eq "drift users inserted" "$(users_sql "SELECT count(*) FROM j WHERE value->>'userName' LIKE 'drift-%'")" "5"
expect_eq "writes during drift" "$(writes_since "$seq")" "0"
expect_eq "active users after drift" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active' AND value->>'userName' LIKE 'user%'")" "40"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND kind IN ('deactivate', 'create', 'adopt')" "0"
expect_sql "SELECT value FROM meta WHERE key = 'last_full_listing_at'" "$listed_at"
no_duplicates
db_sane

# ---- lost responses: three POSTs are applied but their answers never come. Each is looked up,
# found and recorded resolved_applied; none is sent again.
scenario lost_response --fault '{"kind":"lost_response","method":"POST","next":3}'
hr_export "$S/hr.csv" 10
sync_expect 0
expect_eq "users" "$(users_sql "SELECT count(*) FROM j")" "10"
no_duplicates
expect_eq "POSTs sent" "$(log_sql 0 "SELECT count(*) FROM j WHERE value->>'method' = 'POST'")" "10"
expect_eq "answers lost" "$(log_sql 0 "SELECT count(*) FROM j WHERE value->>'fault' = 'lost_response'")" "3"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND outcome = 'resolved_applied' AND resolved_by = 'lookup' AND scim_id IS NOT NULL" "3"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND outcome = 'ok'" "7"
expect_sql "SELECT count(*) FROM user_links WHERE managed_by = 'created'" "10"
every_write_audited
db_sane
# The users whose answer was lost get their follow-ups like any other, and the next cycle is quiet.
seq=$(last_seq)
sync_expect 0
expect_eq "writes in the next cycle" "$(writes_since "$seq")" "0"

# ---- a PUT or PATCH whose fate the answer does not tell is settled by a GET in the same cycle:
# applied (every attempt's answer lost) is resolved_applied and done; not applied (503 on every
# attempt) is resolved_not_applied, a failure; neither is left `failed` on a guess.
scenario uncertain_writes
hr_export "$S/hr.csv" 4
sync_expect 0
set_title Engineer "Staff Engineer"
emu_curl POST /_emulator/faults '{"kind":"lost_response","method":"PUT","next":2}' >/dev/null
sync_expect 0
expect_sql "SELECT outcome || ':' || resolved_by || ':' || attempts FROM operations WHERE cycle_id = 2 AND kind = 'update' AND outcome <> 'ok'" \
  "resolved_applied:lookup:2"
expect_in <(sql "SELECT error_detail FROM operations WHERE cycle_id = 2 AND outcome = 'resolved_applied'") "a GET showed 8x8 applied it"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND kind = 'update' AND outcome = 'ok'" "3"
expect_eq "titles after lost answers" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Staff Engineer'")" "4"
every_write_audited
# A PATCH with its answers lost: settled by a GET as well.
head -n 4 "$S/hr.csv" >"$S/hr.short" && mv "$S/hr.short" "$S/hr.csv"   # one leaver
cfg "s#max_deactivation_percent: 5#max_deactivation_percent: 50#"
cfg "s#max_source_shrink_percent: 10#max_source_shrink_percent: 50#"
emu_curl POST /_emulator/faults '{"kind":"lost_response","method":"PATCH","next":2}' >/dev/null
sync_expect 0
expect_sql "SELECT outcome || ':' || resolved_by FROM operations WHERE cycle_id = 3 AND kind = 'deactivate'" \
  "resolved_applied:lookup"
expect_sql "SELECT count(*) FROM manual_actions WHERE kind = 'reclaim_license_and_number'" "1"
expect_eq "inactive users" "$(users_sql "SELECT count(*) FROM j WHERE NOT value->>'active'")" "1"
every_write_audited
set_title "Staff Engineer" "Principal Engineer"
emu_curl POST /_emulator/faults '{"kind":"status","status":503,"method":"PUT","next":2}' >/dev/null
sync_expect 8
expect_sql "SELECT outcome || ':' || resolved_by FROM operations WHERE cycle_id = 4 AND kind = 'update' AND outcome <> 'ok'" \
  "resolved_not_applied:lookup"
expect_in <(sql "SELECT error_detail FROM operations WHERE cycle_id = 4 AND outcome = 'resolved_not_applied'") "a GET showed 8x8 did not apply it"
expect_eq "titles after 503s" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Principal Engineer'")" "2"
expect_sql "SELECT count(*) FROM user_backoff" "1"
every_write_audited
db_sane

# ---- the rate limit across two consecutive runs: the emulator admits 4 requests per 2 s, the
# config says the same, and two runs need 13 requests between them. The persisted window keeps
# the second run from spending the budget the first already used.
scenario rate_limit --rate-limit 4/2s
hr_export "$S/hr.csv" 6
cfg "s#requests: 1000#requests: 4#"
cfg "s#per: 1s#per: 2s#"
sync_expect 0  # 1 listing page + 6 POSTs
set_title Engineer "Staff Engineer"
sync_expect 0  # 6 PUTs (the created objects are fresh copies)
expect_eq "titles" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Staff Engineer'")" "6"
expect_eq "429s" "$(log_sql 0 "SELECT count(*) FROM j WHERE value->>'status' = 429")" "0"
expect_eq "requests" "$(log_sql 0 "SELECT count(*) > 8 FROM j")" "1"
# No 2-second window (from any request's arrival) holds more than 4 requests.
expect_eq "busiest 2 s window" "$(log_sql 0 "
  SELECT max(n) FROM (SELECT (SELECT count(*) FROM j b
                              WHERE julianday(b.value->>'time') >= julianday(a.value->>'time')
                                AND (julianday(b.value->>'time') - julianday(a.value->>'time')) * 86400000 < 2000) AS n
                      FROM j a)")" "4"
db_sane

# ---- a truncated export (40 rows, then 10): held, nothing deactivated; approved, the next
# cycle applies what it still plans.
scenario truncated
hr_export "$S/hr.csv" 40
sync_expect 0
head -n 11 "$S/hr.csv" >"$S/hr.short" && mv "$S/hr.short" "$S/hr.csv"
seq=$(last_seq)
sync_expect 9
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "held"
expect_eq "writes while held" "$(writes_since "$seq")" "0"
expect_eq "active users while held" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active'")" "40"
expect_sql "SELECT count(*) FROM held_operations WHERE cycle_id = 2 AND kind = 'deactivate'" "30"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2" "0"
expect_in <(sql "SELECT group_concat(DISTINCT hold_reason) FROM held_operations WHERE cycle_id = 2") "source_shrink"
# Held again while nobody approves.
sync_expect 9
expect_eq "active users, held twice" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active'")" "40"
# An operator approves cycle 2: the next cycle deactivates the 30.
run_cmd 0 "$EIGHTSYNC" approve -c "$S/cfg.yaml" 2
expect_sql "SELECT count(*) FROM approvals WHERE cycle_id = 2" "1"
sync_expect 0
expect_eq "active users after approval" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active'")" "10"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 4 AND kind = 'deactivate' AND outcome = 'ok' AND method = 'PATCH'" "30"
every_write_audited
db_sane

# ---- key churn. First a wrong export: every key new and every old one missing, and nobody
# matching an 8x8 user (another company's file, say). Held as a whole: nothing is deactivated
# or created.
scenario key_churn
hr_export "$S/hr.csv" 40
sync_expect 0
hr_export "$S/hr.csv" 40 101 K example.org
seq=$(last_seq)
sync_expect 9
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "held"
expect_sql "SELECT group_concat(DISTINCT hold_reason) FROM held_operations WHERE cycle_id = 2" "key_churn"
expect_sql "SELECT kind || ':' || count(*) FROM held_operations WHERE cycle_id = 2 GROUP BY kind ORDER BY kind" \
  "$(printf 'create:40\ndeactivate:40')"
expect_eq "writes while held" "$(writes_since "$seq")" "0"
expect_eq "users while held" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active'")" "40"
# Then the same people under new keys (the key column changed). Each new key matches an 8x8
# user linked to an old key: nothing is deactivated, created or re-linked.
# The key_churn hold trips although it catches no operation (every new key is a conflict), so
# the cycle ends held: nothing from this export counts as a good cycle.
hr_export "$S/hr.csv" 40 1 K
seq=$(last_seq)
run_cmd 9 "$EIGHTSYNC" sync -c "$S/cfg.yaml"
expect_in "$WORK/out" "a safety limit tripped: "
expect_sql "SELECT outcome FROM cycles WHERE id = 3" "held"
expect_eq "writes after re-keying" "$(writes_since "$seq")" "0"
expect_eq "active users after re-keying" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active'")" "40"
expect_eq "externalIds after re-keying" "$(users_sql "SELECT count(*) FROM j WHERE value->>'externalId' LIKE 'E%'")" "40"
expect_sql "SELECT count(*) FROM user_links WHERE hr_key LIKE 'E%'" "40"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 3" "0"
# One hold that names the key column, not 40 conflict actions.
expect_sql "SELECT count(*) FROM manual_actions WHERE kind = 'resolve_conflict'" "0"
no_duplicates
db_sane

# ---- create_only: site and title are set when eightsync creates the user, never sent again.
# HR moves a person to another office and renames every title: the PUT carries the new timezone
# but keeps 8x8's site and title; the site move is a manual action (8x8's site is write-once).
scenario create_only
hr_export "$S/hr.csv" 4
cfg "s#^create_only: \[site\]#create_only: [site, title]#"
sync_expect 0
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND body_json LIKE '%\"site\":\"London HQ\"%'" "2"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND body_json LIKE '%\"title\":\"Engineer\"%'" "4"
expect_in <(emu_user user1@example.com) '"title":"Engineer"'
set_title Engineer "Staff Engineer"
sed -i "s/^E00001,\(.*\),London,/E00001,\1,Austin,/" "$S/hr.csv"
seq=$(last_seq)
sync_expect 0
# Only user1 changed an owned, updatable attribute (its timezone): one PUT, no title, old site.
expect_sql "SELECT kind || ':' || outcome FROM operations WHERE cycle_id = 2" "update:ok"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND (diff_json LIKE '%site%' OR diff_json LIKE '%title%')" "0"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND (body_json LIKE '%Staff Engineer%' OR body_json LIKE '%\"site\":\"Austin\"%')" "0"
expect_in <(emu_user user1@example.com) '"timezone":"America/Chicago"'
expect_in <(emu_user user1@example.com) '"site":"London HQ"'
expect_in <(emu_user user1@example.com) '"title":"Engineer"'
expect_eq "writes" "$(writes_since "$seq")" "1"
expect_sql "SELECT count(*) FROM open_manual_actions WHERE kind = 'change_site' AND hr_key = 'E00001'" "1"
# And never again: the next cycle sends nothing.
seq=$(last_seq)
sync_expect 0
expect_eq "writes in the next cycle" "$(writes_since "$seq")" "0"
db_sane

# ---- an empty listing (issue 13, finding 5): 8x8 answers a listing with no users at all. The
# shipped example's Jürgen Müller (00110) is a possible duplicate of a hand-made jmueller: that
# conflict stays raised, so no second account is created for him; and a listing that shows none
# of the linked users holds every create, adoption and deactivation.
scenario empty_listing
cp "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" "$S/hr.csv"
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
sync_expect 0
expect_sql "SELECT count(*) FROM open_manual_actions WHERE hr_key = '00110' AND kind = 'resolve_conflict'" "1"
expect_eq "Jürgen Müllers in 8x8" "$(users_sql "SELECT count(*) FROM j WHERE value->'name'->>'familyName' = 'Müller'")" "1"
seq=$(last_seq)
emu_curl POST /_emulator/faults '{"kind":"empty_listing"}' >/dev/null
sync_expect 9 --full
expect_eq "writes after the empty listing" "$(writes_since "$seq")" "0"
expect_eq "Jürgen Müllers in 8x8" "$(users_sql "SELECT count(*) FROM j WHERE value->'name'->>'familyName' = 'Müller'")" "1"
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "held"
expect_sql "SELECT DISTINCT hold_reason FROM held_operations WHERE cycle_id = 2" "listing_lost_users"
expect_sql "SELECT count(*) FROM open_manual_actions WHERE hr_key = '00110' AND kind = 'resolve_conflict'" "1"
# Without links to judge the listing by, the open conflict alone holds Jürgen: an HR export of
# him alone, against an 8x8 holding only the hand-made jmueller.
scenario empty_listing_no_links
head -1 "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" >"$S/hr.csv"
grep '^00110,' "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" >>"$S/hr.csv"
emu_curl POST /_emulator/users '[{"userName": "jmueller@example.com", "name": {"givenName": "Jürgen", "familyName": "Müller"},
  "emails": [{"value": "jmueller@example.com", "type": "work", "primary": true}], "active": true}]' >/dev/null
sync_expect 0
expect_sql "SELECT count(*) FROM open_manual_actions WHERE hr_key = '00110' AND kind = 'resolve_conflict'" "1"
expect_sql "SELECT count(*) FROM user_links" "0"
seq=$(last_seq)
emu_curl POST /_emulator/faults '{"kind":"empty_listing"}' >/dev/null
sync_expect 0 --full
expect_eq "writes after the empty listing" "$(writes_since "$seq")" "0"
expect_eq "Jürgen Müllers in 8x8" "$(users_sql "SELECT count(*) FROM j WHERE value->'name'->>'familyName' = 'Müller'")" "1"
expect_sql "SELECT count(*) FROM open_manual_actions WHERE hr_key = '00110' AND kind = 'resolve_conflict'" "1"

# ---- an endless listing (issue 13, finding 4): 8x8 claims 10^12 users and keeps inventing new
# ids. With target.listing_max_duration the listing stops when it is spent, incomplete: nobody
# is created or deactivated on its word, and the cycle is partial with a sentence that says so.
# (Without it, the listing stops past 1.1 million users: core.user_listing.* shows that limit.)
scenario endless_listing
hr_export "$S/hr.csv" 5
cfg "s/^  max_snapshot_age: 15m$/  max_snapshot_age: 15m\n  listing_max_duration: 2s/"
sync_expect 0
seq=$(last_seq)
emu_curl POST /_emulator/faults '{"kind":"listing"}' >/dev/null
sync_expect 8 --full
expect_in "$WORK/out" "ran past target.listing_max_duration and stopped after"
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "partial"
expect_eq "writes after the endless listing" "$(writes_since "$seq")" "0"
expect_sql "SELECT count(*) FROM user_links" "5"
expect_sql "SELECT count(*) FROM manual_actions" "10"
db_sane

# ---- a server that answers a past-the-end startIndex with page 1 again (--past-end first-page):
# listings page as usual and are complete, so a first load and a quiet full reconcile behave as
# against any other server. (The listing's guard against a repeated page 1: the client's listing
# tests.)
scenario past_end_first_page --past-end first-page
cfg "s/page_size: 100/page_size: 3/"
hr_export "$S/hr.csv" 7
sync_expect 0 --full
expect_sql "SELECT count(*) FROM user_links" "7"
seq=$(last_seq)
sync_expect 0 --full
expect_eq "writes in a quiet full reconcile" "$(writes_since "$seq")" "0"
expect_eq "listing pages asked for" "$(log_sql "$seq" "SELECT count(*) FROM j WHERE value->>'method' = 'GET' AND value->>'target' LIKE '%/Users?%'")" "3"
expect_sql "SELECT count(*) FROM cycles WHERE kind = 'full' AND outcome = 'ok'" "2"
no_duplicates
db_sane

# ---- a PUT that leaves out site or active: 8x8 may keep them or clear them (the emulator's
# --put-omitted). eightsync's PUTs carry both, so under either answer an update changes the title
# and nothing else: every site stays, nobody is deactivated.
for mode in keep clear; do
  scenario "put_omitted_$mode" --put-omitted "$mode"
  hr_export "$S/hr.csv" 6
  sync_expect 0
  set_title Engineer "Staff Engineer"
  seq=$(last_seq)
  sync_expect 0
  expect_eq "PUTs ($mode)" "$(log_sql "$seq" "SELECT count(*) FROM j WHERE value->>'method' = 'PUT'")" "6"
  expect_eq "titles ($mode)" "$(users_sql "SELECT count(*) FROM j WHERE value->>'title' = 'Staff Engineer'")" "6"
  expect_eq "active users ($mode)" "$(users_sql "SELECT count(*) FROM j WHERE value->>'active' = 1")" "6"
  expect_eq "users with a site ($mode)" \
    "$(users_sql "SELECT count(*) FROM j WHERE json_extract(value, '\$.\"urn:ietf:params:scim:schemas:extension:8x8:1.1:User\".site') <> ''")" "6"
  db_sane
done

# ---- an account that keeps site under 8x8's 2.0 extension URN (--site-schema): the sites of the
# users it lists are read from there, so adopted users in step need no change, and a site HR
# moves is the admin's to change (write-once), never written over.
X8_2=urn:8x8:scim:schemas:extension:8x8user:2.0:User
scenario site_schema_2 --site-schema "$X8_2"
hr_export "$S/hr.csv" 3
seed="["
for i in 1 2 3; do
  site=$([ $((i % 2)) = 1 ] && echo "London HQ" || echo Austin)
  seed+="{\"userName\":\"user$i@example.com\",\"externalId\":\"E0000$i\",\"name\":{\"givenName\":\"Given$i\",\"familyName\":\"Family$i\"},"
  seed+="\"emails\":[{\"value\":\"user$i@example.com\",\"type\":\"work\",\"primary\":true}],\"title\":\"Engineer\","
  seed+="\"$X8_2\":{\"site\":\"$site\"}}"
  [ "$i" = 3 ] || seed+=","
done
seed+="]"
emu_curl POST /_emulator/users "$seed" >/dev/null
sync_expect 0
expect_sql "SELECT count(*) FROM user_links" "3"
expect_sql "SELECT count(*) FROM manual_actions WHERE kind = 'change_site'" "0"
expect_eq "sites under the 2.0 URN" \
  "$(users_sql "SELECT group_concat(json_extract(value, '\$.\"$X8_2\".site'), '|') FROM j")" "London HQ|Austin|London HQ"
seq=$(last_seq)
sync_expect 0 --full
expect_eq "writes in a quiet full reconcile" "$(writes_since "$seq")" "0"
# HR moves user 2 to London: the site is set (under 2.0), so a manual action, and it is never
# written over.
sed -i 's/^E00002,\(.*\),Austin,/E00002,\1,London,/' "$S/hr.csv"
sync_expect 0
expect_sql "SELECT count(*) FROM manual_actions WHERE kind = 'change_site' AND hr_key = 'E00002'" "1"
# (The office also maps the time zone and locale: those are updated; the PUT carries the site as
# 8x8 has it.)
expect_eq "user 2's site after HR moved them" \
  "$(users_sql "SELECT json_extract(value, '\$.\"$X8_2\".site') FROM j WHERE value->>'userName' = 'user2@example.com'")" "Austin"
expect_eq "users with a 1.1 site" \
  "$(users_sql "SELECT count(*) FROM j WHERE json_extract(value, '\$.\"urn:ietf:params:scim:schemas:extension:8x8:1.1:User\"') IS NOT NULL")" "0"
expect_sql "SELECT value FROM meta WHERE key = 'site_schema'" "$X8_2"
# Two new people: created with their site under the 2.0 URN the account's users carry, listed
# in `schemas`, so 8x8 keeps it.
hr_export "$S/new.csv" 2 4
tail -n +2 "$S/new.csv" >>"$S/hr.csv"
sync_expect 0
expect_eq "new users' sites under the 2.0 URN" \
  "$(users_sql "SELECT group_concat(json_extract(value, '\$.\"$X8_2\".site'), '|') FROM j WHERE value->>'userName' IN ('user4@example.com', 'user5@example.com')")" "Austin|London HQ"
expect_eq "new users listing the 2.0 URN in schemas" \
  "$(users_sql "SELECT count(*) FROM j, json_each(j.value, '\$.schemas') s WHERE s.value = '$X8_2' AND j.value->>'userName' IN ('user4@example.com', 'user5@example.com')")" "2"
db_sane

# The same account, empty: nobody carries a site yet. With target.site_schema auto, eightsync
# assumes the 1.1 URN and the plan says so; 8x8 (this emulator) drops a site under the URN it
# does not use. Naming the 2.0 URN in target.site_schema gets the sites kept.
scenario site_schema_2_configured --site-schema "$X8_2"
hr_export "$S/hr.csv" 2
run_cmd 0 "$EIGHTSYNC" plan -c "$S/cfg.yaml"
expect_in "$WORK/out" "Sites: written under urn:ietf:params:scim:schemas:extension:8x8:1.1:User: no user eightsync has read carries a site yet"
cfg "s#^  visibility: all#  visibility: all\n  site_schema: $X8_2#"
run_cmd 0 "$EIGHTSYNC" plan -c "$S/cfg.yaml"
expect_in "$WORK/out" "Sites: written under $X8_2 (target.site_schema)."
sync_expect 0
expect_eq "sites kept under the configured 2.0 URN" \
  "$(users_sql "SELECT group_concat(json_extract(value, '\$.\"$X8_2\".site'), '|') FROM j")" "London HQ|Austin"
db_sane

# ---- one email: 8x8 keeps one, and eightsync sends exactly the mapped one. A listed user with a
# second email (seeded: the emulator's POST and PUT keep one) is adopted and put back to one;
# `plan` shows every email before and the mapped one after.
scenario one_email
hr_export "$S/hr.csv" 2
emu_curl POST /_emulator/users '[{"userName":"user1@example.com","externalId":"E00001","name":{"givenName":"Given1","familyName":"Family1"},
  "emails":[{"value":"user1@example.com","type":"work","primary":true},{"value":"private1@example.net","type":"home"}]}]' >/dev/null
run_cmd 0 "$EIGHTSYNC" plan -c "$S/cfg.yaml"
expect_in "$WORK/out" "user1@example.com, private1@example.net"
sync_expect 0
expect_eq "user 1's emails" \
  "$(users_sql "SELECT group_concat(e.value->>'value', '|') FROM j, json_each(j.value, '\$.emails') e WHERE j.value->>'userName' = 'user1@example.com'")" "user1@example.com"
expect_sql "SELECT d.value->>'before' FROM operations, json_each(diff_json) d
            WHERE kind = 'update' AND hr_key = 'E00001' AND d.value->>'attribute' = 'email'" \
  "user1@example.com, private1@example.net"
expect_eq "user 2's emails (created)" \
  "$(users_sql "SELECT count(*) FROM j, json_each(j.value, '\$.emails') e WHERE j.value->>'userName' = 'user2@example.com'")" "1"
seq=$(last_seq)
sync_expect 0 --full
expect_eq "writes once in step" "$(writes_since "$seq")" "0"
db_sane

# ---- an account that types externalId as an integer (--external-id numeric): HR's "E00001" is
# refused with a 400. The first POST goes again without externalId, the rest of the cycle sends
# none, and the cycle reports one error naming the attribute; nobody fails or backs off.
scenario external_id_numeric --external-id numeric
hr_export "$S/hr.csv" 3
sync_expect 8
expect_in "$WORK/out" "8x8 refuses a non-numeric externalId in this account"
expect_in "$WORK/out" "Remove externalId from \`mapping:\`"
expect_eq "users created" "$(users_sql "SELECT count(*) FROM j")" "3"
expect_eq "users with an externalId" "$(users_sql "SELECT count(*) FROM j WHERE value->>'externalId' IS NOT NULL")" "0"
expect_eq "POSTs (one sent again)" "$(log_sql 0 "SELECT count(*) FROM j WHERE value->>'method' = 'POST'")" "4"
expect_sql "SELECT count(*) FROM user_links" "3"
expect_sql "SELECT count(*) FROM user_backoff" "0"
no_duplicates
# A full reconcile probes with one PUT, again without it, and sends no other.
seq=$(last_seq)
sync_expect 8 --full
expect_eq "PUTs in the full reconcile" "$(log_sql "$seq" "SELECT count(*) FROM j WHERE value->>'method' = 'PUT'")" "2"
# The advice taken: without externalId in the mapping, the account is in step.
cfg '/^  externalId: /d'
seq=$(last_seq)
sync_expect 0 --full
expect_eq "writes once externalId is unmapped" "$(writes_since "$seq")" "0"
db_sane

# ---- a user who keeps failing (every PUT for them answers 503, and a GET shows it not applied):
# only the first failing cycle is partial; while they back off, or fail again, cycles end ok and
# the shrink baseline moves; after failing.manual_action_after (2 here) failing cycles in a row,
# one keeps_failing action.
scenario keeps_failing
hr_export "$S/hr.csv" 3
cfg "s#^  manual_action_after: 5#  manual_action_after: 2#"
sync_expect 0
id2=$(id_of user2@example.com)
emu_curl POST /_emulator/faults "{\"kind\":\"status\",\"status\":503,\"method\":\"PUT\",\"path\":\"/Users/$id2\"}" >/dev/null
sed -i 's/^E00002,\(.*\),Engineer,/E00002,\1,Staff Engineer,/' "$S/hr.csv"
sync_expect 8
expect_sql "SELECT failures FROM user_backoff WHERE hr_key = 'E00002'" "1"
good=$(sql "SELECT value FROM meta WHERE key = 'last_good_cycle.completed_at'")
sync_expect 0  # backing off
expect_sql "SELECT outcome FROM cycles ORDER BY id DESC LIMIT 1" "ok"
[ "$(sql "SELECT value FROM meta WHERE key = 'last_good_cycle.completed_at'")" != "$good" ] ||
  fail "the shrink baseline did not move while a user only backs off"
checks=$((checks + 1))
sync_expect 0  # tried again, refused again
expect_sql "SELECT failures FROM user_backoff WHERE hr_key = 'E00002'" "2"
expect_sql "SELECT count(*) FROM manual_actions WHERE status = 'open' AND kind = 'keeps_failing' AND hr_key = 'E00002'" "1"
run_cmd 0 "$EIGHTSYNC" status -c "$S/cfg.yaml"
expect_in "$WORK/out" "failing      1 users back off after failures"
db_sane

done_ok
