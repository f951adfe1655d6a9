#!/usr/bin/env bash
# eightsync at 8x8's pace, compressed 60-fold: 8x8's 10 requests a minute become 10 a second for
# both eightsync (target.rate_limit) and the emulator (--rate-limit, with room for an admin's few
# requests beside it). max_snapshot_age is 2 s (2 minutes at the real pace), so a write phase of
# 60 PUTs outlives its snapshot, as a real one of hundreds does.
#  1. An admin's edit made through SCIM in the middle of the write phase, to an attribute the
#     mapping does not own, survives: the PUTs whose copy grew stale fetch the user again first,
#     and only those (invariant 2 when the PUT is sent).
#  2. No duplicate from an incremental cycle: a person new in HR whose account an admin made by
#     hand, under another userName, before the newest complete listing, is found through the
#     unmanaged-users index, confirmed with a GET and adopted; nothing is created.
#  3. A restart keeps the schedule: `run` lists everything at start only when the last complete
#     listing is schedule.full_reconcile old.
#  4. One failing user does not fail every cycle: while they back off, cycles end ok and "last
#     success" moves.
# It prints what it measured (seconds and requests per phase), the numbers README.md scales to
# 10,000 users at 10 requests a minute.
source "$(dirname "$0")/lib.bash"

users=60
start_emulator --rate-limit 12/1s
example_config_own_hr "$WORK/cfg.yaml"
sed -i -e "s#requests: 1000#requests: 10#" \
  -e "s#max_snapshot_age: 15m#max_snapshot_age: 2s#" -e "s#attempts: 2#attempts: 5#" \
  -e "s#max_creates: 100#max_creates: 1000#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
hr_export "$WORK/hr.csv" "$users"

log_count() { emu_curl GET /_emulator/log | grep -o "$1" | wc -l; }
# since_seq SEQ SQL_WHERE: how many of the emulator's log entries after SEQ match SQL_WHERE
# (on `value`, one log entry).
since_seq() {
  emu_save /_emulator/log "$WORK/log.json"
  emu_json_sql "$WORK/log.json" "SELECT count(*) FROM j WHERE value->>'seq' > $1 AND ($2)"
}
last_seq() {
  emu_save /_emulator/log "$WORK/log.json"
  emu_json_sql "$WORK/log.json" "SELECT coalesce(max(value->>'seq'), 0) FROM j"
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# An admin's SCIM request, tried again while the emulator answers 429 (the admin shares 8x8's
# limit with eightsync).
admin_scim() {
  local out i
  for i in $(seq 1 40); do
    if out=$(EMU_AUTH=it-token emu_curl "$@" 2>/dev/null); then
      printf '%s\n' "$out"
      return 0
    fi
    sleep 0.25
  done
  fail "the admin's $1 $2 kept failing"
}

# An account an admin made by hand for someone HR does not list yet, under another userName than
# HR will give them (point 2, at the end).
emu_curl POST /_emulator/users '[{"userName":"given61.by.hand@example.com","_adminConsole":true,
  "name":{"givenName":"Given61","familyName":"Family61"},
  "emails":[{"value":"user61@example.com","type":"work","primary":true}]}]' >/dev/null

# ---- the first load: a listing page and a POST per person ----------------------------------
t=$(now)
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
first_load_s=$(elapsed "$t")
expect_eq "users in 8x8" "$(emu_curl GET /_emulator/users | grep -o '"userName"' | wc -l)" "$((users + 1))"
first_load_requests=$(log_count '"method":"[A-Z]*"')

# ---- point 1: an admin's edit in the middle of a write phase survives ----------------------
# HR gives everyone a new title: a full cycle, one page, then 60 PUTs in HR key order.
sed -i 's/,Engineer,/,Staff Engineer,/' "$WORK/hr.csv"
seq_before=$(last_seq)
t=$(now)
"$EIGHTSYNC" sync --full -c "$WORK/cfg.yaml" >"$WORK/sync.out" 2>"$WORK/sync.err" &
sync_pid=$!
trap 'kill "$sync_pid" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT

# When 25 of the PUTs are done, the admin sets preferredLanguage (not in the mapping) on the last
# five people, whose PUTs have not gone yet.
deadline=$((SECONDS + 30))
until [ "$(since_seq "$seq_before" "value->>'method' = 'PUT'")" -ge 25 ]; do
  [ $SECONDS -lt $deadline ] || fail "the write phase did not reach 25 PUTs"
  sleep 0.1
done
edited=()
for i in 56 57 58 59 60; do
  name="user$i@example.com"
  id=$(id_of "$name")
  user=$(admin_scim GET "/scim/v2/Users/$id")
  case "$user" in *'"title":"Staff Engineer"'*) fail "$name was already updated: the edit is not mid-write-phase" ;; esac
  admin_scim PUT "/scim/v2/Users/$id" "{\"preferredLanguage\":\"fr\",${user#\{}" >/dev/null
  edited+=("$name")
done
wait "$sync_pid" || { cat "$WORK/sync.err"; fail "the sync during the admin's edits did not exit 0"; }
write_phase_s=$(elapsed "$t")

for name in "${edited[@]}"; do
  line=$(emu_user "$name")
  case "$line" in *'"preferredLanguage":"fr"'*) ;; *) fail "the admin's edit of $name was wiped: $line" ;; esac
  case "$line" in *'"title":"Staff Engineer"'*) ;; *) fail "HR's title did not reach $name: $line" ;; esac
  checks=$((checks + 2))
done
# The emulator's answered GETs and PUTs by id, less the admin's five of each.
by_id="value->>'status' = 200 AND value->>'target' LIKE '/scim/v2/Users/%'"
refetches=$(($(since_seq "$seq_before" "value->>'method' = 'GET' AND $by_id") - ${#edited[@]}))
puts=$(($(since_seq "$seq_before" "value->>'method' = 'PUT' AND $by_id") - ${#edited[@]}))
expect_eq "PUTs sent by eightsync" "$puts" "$users"
[ "$refetches" -gt 0 ] || fail "no PUT was fetched again, though the write phase outlived max_snapshot_age"
[ "$refetches" -lt "$users" ] || fail "$refetches GETs for $users PUTs: a copy younger than max_snapshot_age was fetched again"
checks=$((checks + 2))
DB="$WORK/state.db"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'lookup' AND method = 'GET' AND cycle_id = 2" "$refetches"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'lookup' AND cycle_id = 2 AND reason LIKE '%Decided again: send%'" "$refetches"
expect_sql "SELECT outcome FROM cycles WHERE id = 2" "ok"
# `audit show` lists each refetch with the attributes planned and the decision.
run_cmd 0 "$EIGHTSYNC" audit show 2 -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "lookup  ok  HR key E00060"
expect_in "$WORK/out" "GET /Users/$(id_of user60@example.com) -> 200"
expect_in "$WORK/out" "Decided again: send (planned title; 8x8 still differs in the same)"

# ---- point 3: a restart keeps the schedule -------------------------------------------------
listing_gets() { log_count '"target":"/scim/v2/Users?[^"]*startIndex'; }
start_daemon() {
  "$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
  daemon=$!
  trap 'kill "$daemon" "$sync_pid" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT
}
stop_daemon() {
  kill -TERM "$daemon"
  wait "$daemon" || fail "the daemon's stop did not exit 0"
}
before=$(listing_gets)
start_daemon
wait_for 30 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 3" "incremental|startup|ok"
stop_daemon
expect_eq "listing pages at a restart within schedule.full_reconcile" "$(listing_gets)" "$before"

# schedule.full_reconcile of 3 s (3 hours at the real pace): once that has passed since the last
# complete listing, the next start lists everything.
sed -i "s#full_reconcile: 24h#full_reconcile: 3s#" "$WORK/cfg.yaml"
sleep 3
t=$(now)
start_daemon
wait_for 30 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 4" "full|startup|ok"
full_reconcile_s=$(elapsed "$t")
stop_daemon
expect_eq "listing pages at a restart after schedule.full_reconcile" "$(listing_gets)" "$((before + 1))"

# ---- point 2: an incremental cycle finds the hand-made account ------------------------------
# HR now lists person 61, with the hand-made account's email. Pages of 10 make a full listing (7
# pages) dearer than reading one person: the cycle is incremental and lists nothing.
hr_export "$WORK/new.csv" 1 61
tail -n 1 "$WORK/new.csv" >>"$WORK/hr.csv"
sed -i "s#page_size: 100#page_size: 10#" "$WORK/cfg.yaml"
seq_before=$(last_seq)
hand_id=$(id_of given61.by.hand@example.com)
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT kind || '|' || outcome FROM cycles WHERE id = 5" "incremental|ok"
expect_eq "POSTs in the incremental cycle" "$(since_seq "$seq_before" "value->>'method' = 'POST'")" "0"
expect_eq "listing pages in the incremental cycle" \
  "$(since_seq "$seq_before" "value->>'target' LIKE '/scim/v2/Users?%startIndex%'")" "0"
expect_eq "GETs of the hand-made account" \
  "$(since_seq "$seq_before" "value->>'method' = 'GET' AND value->>'target' = '/scim/v2/Users/$hand_id'")" "1"
expect_sql "SELECT scim_id FROM user_links WHERE hr_key = 'E00061'" "$hand_id"
expect_eq "users in 8x8" "$(emu_curl GET /_emulator/users | grep -o '"userName"' | wc -l)" "$((users + 1))"

# ---- point 4: a user who keeps failing does not fail every cycle ---------------------------
id1=$(id_of user1@example.com)
emu_curl POST /_emulator/faults "{\"kind\":\"status\",\"status\":503,\"method\":\"PUT\",\"path\":\"/Users/$id1\"}" >/dev/null
sed -i 's/^E00001,\(.*\),Staff Engineer,/E00001,\1,Principal Engineer,/' "$WORK/hr.csv"
run_cmd 8 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT failures FROM user_backoff WHERE hr_key = 'E00001'" "1"
good=$(sql "SELECT value FROM meta WHERE key = 'last_good_cycle.completed_at'")
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT outcome FROM cycles ORDER BY id DESC LIMIT 1" "ok"
[ "$(sql "SELECT value FROM meta WHERE key = 'last_good_cycle.completed_at'")" != "$good" ] ||
  fail "last success did not move while the only failing user backs off"
checks=$((checks + 1))

echo "measured at 10 requests a second, $users users: first load ${first_load_s} s (${first_load_requests} requests);" \
  "write phase of $users PUTs ${write_phase_s} s with ${refetches} refetches (max_snapshot_age 2 s);" \
  "start with a full reconcile (1 page) ${full_reconcile_s} s"
done_ok
