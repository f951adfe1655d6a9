#!/usr/bin/env bash
# Crash test (CTest label `slow`): `kill -9` of `eightsync sync` at random moments during a
# 500-user first load with faults on, then runs to completion. Each of
# EIGHTSYNC_CRASH_ITERATIONS iterations (default 20) uses a fresh emulator (10% 503s on every
# request and 2% lost POST answers, seeded with the iteration number) and a fresh state database:
#  1. EIGHTSYNC_CRASH_KILLS times (default 3): start `sync`, sleep a random 0-2 s, kill -9 it;
#  2. run `sync` until it exits 0 and the emulator holds all 500 users (at most 12 runs; faults
#     stay on for the first 3, then are cleared so users backing off are not waited on forever).
# Then, compared with what a clean run produces (the HR file itself: every row one active user):
#  - no duplicate userName in the emulator;
#  - the emulator's users are exactly the HR file's (userName, externalId) pairs, all active;
#  - every applied write in the emulator's log has an audit row (emu_applied_writes_without_audit
#    in lib.bash: per method and /Users/ID path for PUT/PATCH, attempts >= applied requests; per
#    user for POST, a create row with its id and outcome ok or resolved_applied, and as many
#    applied POSTs as such rows);
#  - no operations row without an outcome (no intent left unresolved), no cycle without one;
#  - one user_link per HR row; PRAGMA integrity_check is ok.
# Run: ctest --test-dir build -L slow --output-on-failure (or the `check-slow` target).
source "$(dirname "$0")/lib.bash"

iterations=${EIGHTSYNC_CRASH_ITERATIONS:-20}
kills=${EIGHTSYNC_CRASH_KILLS:-3}
users=500
export EIGHTSYNC_TOKEN=it-token
SOURCE_LINE="path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv"
hr_export "$WORK/hr.csv" "$users"
# What a clean run produces: one active user per HR row, with its key as externalId.
tail -n +2 "$WORK/hr.csv" | awk -F, '{ print tolower($5) "|" $1 }' | sort >"$WORK/expected"

started=$(date +%s)
total_kills=0 total_runs=0
for ((it = 1; it <= iterations; it++)); do
  t0=$(date +%s)
  S="$WORK/it$it"
  mkdir -p "$S"
  DB="$S/state.db"
  RANDOM=$it  # the kill moments, like the faults, repeat for an iteration number
  start_emulator --seed "$it" \
    --fault '{"kind":"lost_response","method":"POST","rate":0.02}' \
    --fault '{"kind":"status","status":503,"rate":0.1}'
  example_config "$S/cfg.yaml"
  sed -i -e "s#$SOURCE_LINE#path: $WORK/hr.csv#" -e "s#$WORK/state.db#$DB#" \
    -e "s#max_creates: 100#max_creates: 1000#" -e "s#requests: 1000#requests: 100000#" "$S/cfg.yaml"

  # 1. kill -9 at random moments (0-2 s after the start).
  for ((k = 1; k <= kills; k++)); do
    "$EIGHTSYNC" sync -c "$S/cfg.yaml" >>"$S/killed.out" 2>&1 &
    pid=$!
    ms=$((RANDOM % 2001))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    total_kills=$((total_kills + 1))
  done

  # 2. run to completion.
  runs=0 exits=""
  while :; do
    runs=$((runs + 1))
    [ "$runs" -le 12 ] || fail "iteration $it: no complete load after 12 runs (exits:$exits; see $S)"
    [ "$runs" -eq 4 ] && emu_curl DELETE /_emulator/faults >/dev/null
    got=0
    "$EIGHTSYNC" sync -c "$S/cfg.yaml" >"$S/run$runs.out" 2>&1 || got=$?
    exits="$exits $got"
    case "$got" in
      0) [ "$(emu_curl GET /_emulator/health)" = '{"ok":true,"users":'"$users"'}' ] && break ;;
      8) ;;
      *) cat "$S/run$runs.out"; fail "iteration $it: sync exited $got (0 or 8 expected)" ;;
    esac
  done
  total_runs=$((total_runs + runs))

  # 3. the emulator and the audit database equal a clean run's.
  emu_save /_emulator/users "$S/users.json"
  expect_eq "iteration $it: duplicate userNames" "$(emu_duplicate_user_names)" ""
  expect_eq "iteration $it: users (userName|externalId) differ from HR" \
    "$(emu_json_sql "$S/users.json" "SELECT lower(value->>'userName') || '|' || (value->>'externalId') FROM j ORDER BY 1" |
      LC_ALL=C sort | diff - <(LC_ALL=C sort "$WORK/expected") | head -5)" ""
  expect_eq "iteration $it: inactive users" "$(emu_json_sql "$S/users.json" "SELECT count(*) FROM j WHERE NOT value->>'active'")" "0"
  expect_eq "iteration $it: applied writes without an audit row" "$(emu_applied_writes_without_audit "$DB" | head -5)" ""
  expect_eq "iteration $it: unresolved intents" "$(sql "SELECT count(*) FROM operations WHERE outcome IS NULL")" "0"
  expect_eq "iteration $it: open cycles" "$(sql "SELECT count(*) FROM cycles WHERE outcome IS NULL")" "0"
  expect_eq "iteration $it: links" "$(sql "SELECT count(*) FROM user_links")" "$users"
  expect_eq "iteration $it: integrity" "$(sql "PRAGMA integrity_check")" "ok"
  stats=$(sql "SELECT count(*) FILTER (WHERE outcome = 'interrupted'),
                      (SELECT count(*) FROM operations WHERE resolved_by = 'lookup' AND outcome = 'resolved_applied'),
                      (SELECT count(*) FROM operations WHERE resolved_by = 'lookup' AND outcome = 'resolved_not_applied')
               FROM cycles")
  echo "iteration $it: $(($(date +%s) - t0)) s, runs to completion:$exits; interrupted|resolved applied|not applied: $stats"
  stop_emulator
  [ "${EIGHTSYNC_KEEP_WORK:-0}" = 1 ] || rm -rf "$S"
done
echo "$iterations iterations, $total_kills kills, $total_runs runs to completion, $(($(date +%s) - started)) s"
done_ok
