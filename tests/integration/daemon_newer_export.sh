#!/usr/bin/env bash
# The service and a newer export written while its cycle runs: the running cycle deactivates the
# leaver at once, and the next cycle, which plans everything else the newer export changed,
# starts as soon as the running one ends (triggered_by source_change), not at the next
# schedule.interval (1 h here) and without schedule.on_source_change.
# Pace: 10 requests a second, pages of one user: the startup full reconcile of 80 users lists
# for about 8 s.
source "$(dirname "$0")/lib.bash"

users=80
start_emulator
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
hr_export "$WORK/hr.csv" "$users"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"  # the first load, at full speed

sed -i -e "s#requests: 1000#requests: 10#" -e "s#per: 60s#per: 1s#" -e "s#page_size: 100#page_size: 1#" \
  -e "s#full_reconcile: 24h#full_reconcile: 1s#" -e "s#attempts: 2#attempts: 5#" "$WORK/cfg.yaml"
grep -q "on_source_change: false" "$WORK/cfg.yaml" || fail "the example config watches the export"
sleep 1
"$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT

# The startup cycle lists everything (full_reconcile is due); halfway through, HR marks one
# person as left and gives another a new title.
wait_for 20 "SELECT count(*) FROM cycles WHERE id = 2 AND ended_at IS NULL" "1"
until [ "$(emu_curl GET /_emulator/log | grep -o 'startIndex' | wc -l)" -ge 30 ]; do sleep 0.05; done
sed -e "s/^E00070,\(.*\),Active,/E00070,\1,Terminated,/" \
  -e "s/^\(E00020,Given20,Family20,,user20@example.com,\)Engineer,/\1Staff Engineer,/" "$WORK/hr.csv" >"$WORK/hr.next"
mv "$WORK/hr.next" "$WORK/hr.csv"
newer_sha=$(sha256sum "$WORK/hr.csv" | cut -d' ' -f1)

wait_for 30 "SELECT outcome FROM cycles WHERE id = 2" "ok"
# The leaver went in the running cycle, from the newer export.
expect_sql "SELECT cycle_id || ' ' || outcome || ' ' || source_sha256 FROM operations
  WHERE kind = 'deactivate' AND hr_key = 'E00070'" "2 ok $newer_sha"
expect_sql "SELECT source_sha256 <> '$newer_sha' FROM cycles WHERE id = 2" "1"
# The next cycle starts at once, triggered by the newer export, and makes the title change.
wait_for 30 "SELECT triggered_by || ' ' || outcome FROM cycles WHERE id = 3" "source_change ok"
gap=$(state_sql "SELECT CAST(round((julianday((SELECT started_at FROM cycles WHERE id = 3))
  - julianday((SELECT ended_at FROM cycles WHERE id = 2))) * 86400) AS INTEGER)")
[ "$gap" -le 5 ] || fail "the follow-up cycle began $gap s after the running one ended"
checks=$((checks + 1))
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 3 AND kind = 'update' AND hr_key = 'E00020'" "1"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'deactivate'" "1"
expect_eq "E00020's title in 8x8" "$(emu_user user20@example.com | grep -o '"title":"[^"]*"')" '"title":"Staff Engineer"'
wait_for_log 5 "newer HR exports read while it ran"

kill -TERM "$daemon"
wait "$daemon" || fail "the daemon's stop did not exit 0"
done_ok
