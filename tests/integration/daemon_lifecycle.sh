#!/usr/bin/env bash
# Effective dates at a compressed pace (10 requests a second, pages of one user), with the service:
#  1. an end date that comes during the startup full reconcile (80 pages, about 8 s) is revoked
#     between two of its requests, at that instant: a 17:00 termination given in Sydney's offset
#     (+11:00) goes at 17:00 Sydney time, within two requests;
#  2. an end date that comes while the service waits (schedule.interval is 1 h) wakes it on the
#     wall clock (logged schedule.lifecycle; an hour before the interval) its cycle revokes the leaver, within a second and two
#     requests.
# The script prints both measured delays.
source "$(dirname "$0")/lib.bash"

users=80
rate=10
start_emulator
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
# The export gains a termination_date column, read as ISO 8601 instants (an offset ignores the
# person's zone).
sed -i -e 's|  # end_date: "{termination_date}"|  end_date: "{termination_date}"|' "$WORK/cfg.yaml"
grep -q '^  end_date: "{termination_date}"' "$WORK/cfg.yaml" || fail "the example config has no end_date line to enable"
hr_export "$WORK/hr.base" "$users"
awk 'NR == 1 { print $0 ",termination_date"; next } { print $0 "," }' "$WORK/hr.base" >"$WORK/hr.csv"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"  # the first load, at full speed
expect_sql "SELECT count(*) FROM user_links" "$users"

# In Sydney's summer offset: the instant `$1` seconds from now, as HR in Sydney would write it.
sydney_in() { TZ=Australia/Sydney date -d "@$(($(date +%s) + $1))" +%Y-%m-%dT%H:%M:%S%:z; }
# Two leavers: one whose end comes 4 s into the startup reconcile, one after it, while the
# service waits.
mid=$(sydney_in 5)
idle=$(sydney_in 18)
sed -i -e "s/^\(E00070,.*\),$/\1,$mid/" -e "s/^\(E00010,.*\),$/\1,$idle/" "$WORK/hr.csv"
grep -q "^E00070,.*,$mid\$" "$WORK/hr.csv" && grep -q "^E00010,.*,$idle\$" "$WORK/hr.csv" ||
  fail "the termination dates were not written"
sed -i -e "s#requests: 1000#requests: $rate#" -e "s#per: 60s#per: 1s#" -e "s#page_size: 100#page_size: 1#" \
  -e "s#full_reconcile: 24h#full_reconcile: 1s#" -e "s#attempts: 2#attempts: 5#" "$WORK/cfg.yaml"
grep -q "interval: 1h" "$WORK/cfg.yaml" || fail "the example config's interval is not 1h"
emu_curl PATCH /_emulator/settings "{\"rate_limit\":\"12/1s\"}" >/dev/null
sleep 1

"$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT

wait_for 40 "SELECT triggered_by || ' ' || kind || ' ' || outcome FROM cycles WHERE id = 2" "startup full ok"
wait_for 40 "SELECT triggered_by || ' ' || outcome FROM cycles WHERE id = 3" "schedule ok"

# The PATCH of `user` (its userName) as the emulator logged it, in seconds since the epoch.
patch_time() {
  local id
  id=$(id_of "$1")
  emu_save /_emulator/log "$WORK/log.json"
  local at
  at=$(emu_json_sql "$WORK/log.json" "SELECT value->>'time' FROM j WHERE value->>'method' = 'PATCH'
    AND value->>'target' LIKE '%/Users/$id'")
  [ -n "$at" ] || fail "no PATCH for $1"
  date -d "$at" +%s.%N
}
gap_s=$(awk -v r="$rate" 'BEGIN { printf "%.4f", 1.01 / r }')

# expect_revoked WHAT KEY USER END LIMIT: KEY's PATCH went at most LIMIT seconds after END (an
# ISO 8601 instant), and not before it; prints the delay.
expect_revoked() {
  local what=$1 key=$2 user=$3 end_s delay
  end_s=$(date -d "$4" +%s)
  delay=$(awk -v a="$end_s" -v b="$(patch_time "$user")" 'BEGIN { printf "%.2f", b - a }')
  echo "end date $what: revoked ${delay} s after it (limit $5 s)"
  awk -v d="$delay" -v l="$5" 'BEGIN { exit !(d >= 0 && d <= l) }' ||
    fail "$key was revoked ${delay} s after its end, outside 0..$5 s"
  checks=$((checks + 1))
}

# 1. During the reconcile: in cycle 2, between two of its requests. Three request gaps: the one
# under way when the end came, the GET and the PATCH.
expect_sql "SELECT cycle_id || ' ' || outcome FROM operations WHERE kind = 'deactivate' AND hr_key = 'E00070'" "2 ok"
expect_revoked "during a reconcile" E00070 user70@example.com "$mid" "$(awk -v g="$gap_s" 'BEGIN { printf "%.3f", 3 * g + 0.5 }')"
wait_for_log 5 "lifecycle.ended cycle=2"

# 2. While the service waited: its own cycle, woken at the end date.
expect_sql "SELECT cycle_id || ' ' || outcome FROM operations WHERE kind = 'deactivate' AND hr_key = 'E00010'" "3 ok"
expect_revoked "while the service waits" E00010 user10@example.com "$idle" \
  "$(awk -v g="$gap_s" 'BEGIN { printf "%.3f", 1 + 2 * g + 0.5 }')"
wait_for_log 5 "schedule.lifecycle"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'deactivate'" "2"

kill -TERM "$daemon"
wait "$daemon" || fail "the daemon's stop did not exit 0"
done_ok
