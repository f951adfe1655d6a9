#!/usr/bin/env bash
# The Prometheus endpoint of `eightsync run` (metrics.listen on 127.0.0.1, port 0): after a first
# cycle against an emulator that rate-limits (so 8x8 answers 429), the counters equal what the
# audit database and the emulator's request log hold — cycles by outcome, operations by kind and
# outcome, requests by method and status, 429s, time waited — and the gauges equal what
# `eightsync status` reads: open manual actions, quarantined rows, the last success. A truncated
# export then holds deactivations, and eightsync_held_deactivations counts them. Unknown paths are
# 404, other methods 405; resolving manual actions shows at the next scrape; a non-loopback
# metrics.listen is a config error; after SIGTERM the port is closed.
source "$(dirname "$0")/lib.bash"

start_emulator --rate-limit 12/2s
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
mkdir -p "$WORK/hr"
cp "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" "$WORK/hr/hr.csv"
example_config "$WORK/cfg.yaml"
sed -i -e "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $WORK/hr/hr.csv#" \
  -e "s|  # listen: 127.0.0.1:9464|  listen: 127.0.0.1:0|" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"
sql() { state_sql "$1"; }

# A non-loopback address is refused before anything starts, naming the key.
sed 's|  listen: 127.0.0.1:0|  listen: 0.0.0.0:9464|' "$WORK/cfg.yaml" >"$WORK/cfg-open.yaml"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/cfg-open.yaml"
expect_in "$WORK/err" 'metrics.listen: "0.0.0.0:9464" is not a loopback address'

"$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT
wait_for_log 20 "metrics.listening"
ADDR=$(sed -n 's/.*metrics.listening address=\([0-9.]*:[0-9]*\).*/\1/p' "$WORK/daemon.log" | head -1)
[ -n "$ADDR" ] && [ "${ADDR##*:}" != 0 ] || fail "metrics.listening names no port: $(grep metrics.listening "$WORK/daemon.log")"

# scrape METHOD PATH: the whole HTTP answer (status line, headers, body) over bash's /dev/tcp.
scrape() {
  exec 8<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}" || fail "cannot connect to the metrics endpoint at $ADDR"
  printf '%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$2" "$ADDR" >&8
  cat <&8 | tr -d '\r'
  exec 8>&-
}
# metric SERIES: the value of one sample in a fresh scrape ("" when absent).
metric() { scrape GET /metrics | awk -v s="$1" '$1 == s { print $2 }'; }

# The first cycle (a full reconcile) ends; the emulator's limit made 8x8 answer 429 on the way.
wait_for 120 "SELECT count(*) FROM cycles WHERE outcome IS NOT NULL" "1"
scrape GET /metrics >"$WORK/m1"
expect_in "$WORK/m1" "HTTP/1.1 200 OK"
expect_in "$WORK/m1" "Content-Type: text/plain; version=0.0.4; charset=utf-8"
expect_in "$WORK/m1" "# TYPE eightsync_cycles_total counter"
value() { awk -v s="$1" '$1 == s { print $2 }' "$WORK/m1"; }
outcome=$(sql "SELECT outcome FROM cycles WHERE id = 1")
expect_eq "cycles_total for cycle 1's outcome ($outcome)" "$(value "eightsync_cycles_total{outcome=\"$outcome\"}")" 1
expect_eq "last_cycle_outcome" "$(value "eightsync_last_cycle_outcome{outcome=\"$outcome\"}")" 1
# Operations by kind and outcome: exactly the audit rows of the cycle.
while IFS='|' read -r kind result n; do
  expect_eq "operations_total $kind/$result" "$(value "eightsync_operations_total{kind=\"$kind\",outcome=\"$result\"}")" "$n"
done < <(sql "SELECT kind, outcome, count(*) FROM operations GROUP BY 1, 2")
expect_eq "operations in all" "$(awk '$1 ~ /^eightsync_operations_total\{/ { n += $2 } END { print n + 0 }' "$WORK/m1")" \
  "$(sql "SELECT count(*) FROM operations")"
# Requests by method and status: exactly the emulator's log (every request it answered or not).
emu_save /_emulator/log "$WORK/log.json"
while IFS='|' read -r method status n; do
  [ "$status" = 0 ] && status=none
  expect_eq "scim_requests_total $method $status" "$(value "eightsync_scim_requests_total{method=\"$method\",status=\"$status\"}")" "$n"
done < <(emu_json_sql "$WORK/log.json" "SELECT value->>'method', value->>'status', count(*) FROM j GROUP BY 1, 2")
expect_eq "requests in all" "$(awk '$1 ~ /^eightsync_scim_requests_total\{/ { n += $2 } END { print n + 0 }' "$WORK/m1")" \
  "$(emu_json_sql "$WORK/log.json" "SELECT count(*) FROM j")"
expect_eq "cycles.requests_sent: every request the emulator saw" "$(sql "SELECT requests_sent FROM cycles WHERE id = 1")" \
  "$(emu_json_sql "$WORK/log.json" "SELECT count(*) FROM j")"
# 429s: what the emulator answered, what the cycle row recorded, and more than none.
n429=$(emu_json_sql "$WORK/log.json" "SELECT count(*) FROM j WHERE value->>'status' = 429")
[ "$n429" -gt 0 ] || fail "the emulator's 12/2s limit gave no 429 (the test needs some)"
expect_eq "rate_limited_total" "$(value eightsync_scim_rate_limited_total)" "$n429"
expect_eq "cycles.responses_429" "$(sql "SELECT responses_429 FROM cycles WHERE id = 1")" "$n429"
expect_eq "retries_total vs cycles.requests_retried" "$(value eightsync_scim_retries_total)" \
  "$(sql "SELECT requests_retried FROM cycles WHERE id = 1")"
wait_ms=$(sql "SELECT rate_limit_wait_ms FROM cycles WHERE id = 1")
[ "$wait_ms" -gt 0 ] || fail "cycles.rate_limit_wait_ms is $wait_ms after 429s with Retry-After"
expect_eq "rate_limit_wait_seconds_total vs cycles.rate_limit_wait_ms" \
  "$(awk -v s=eightsync_rate_limit_wait_seconds_total '$1 == s { printf "%d", $2 * 1000 + 0.5 }' "$WORK/m1")" "$wait_ms"
# Gauges: the same facts as `eightsync status`.
expect_eq "open manual actions" "$(awk '$1 ~ /^eightsync_open_manual_actions\{/ { n += $2 } END { print n + 0 }' "$WORK/m1")" \
  "$(sql "SELECT count(*) FROM manual_actions WHERE status = 'open'")"
expect_eq "assign_license actions" "$(value 'eightsync_open_manual_actions{kind="assign_license"}')" \
  "$(sql "SELECT count(*) FROM manual_actions WHERE status = 'open' AND kind = 'assign_license'")"
expect_eq "quarantined rows" "$(value eightsync_quarantined_rows)" "$(sql "SELECT count(*) FROM quarantined_rows WHERE cycle_id = 1")"
expect_eq "cycle running" "$(value eightsync_cycle_running)" 0
if [ "$outcome" = ok ]; then
  # In milliseconds, as the audit database keeps them.
  expect_eq "last success" \
    "$(awk '$1 == "eightsync_last_success_timestamp_seconds" { printf "%.0f", $2 * 1000 }' "$WORK/m1")" \
    "$(sql "SELECT CAST(round((julianday(ended_at) - 2440587.5) * 86400000) AS INTEGER) FROM cycles WHERE id = 1")"
fi
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "$(value eightsync_quarantined_rows) HR rows in the last cycle"

# A truncated export: the deactivations are held, and the gauge says how many wait.
emu_curl PATCH /_emulator/settings '{"rate_limit":"off"}' >/dev/null
head -n 6 "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" >"$WORK/hr/hr.csv"
kill -USR1 "$daemon"
wait_for 60 "SELECT outcome FROM cycles WHERE id = 2" "held"
held=$(sql "SELECT count(*) FROM held_operations WHERE cycle_id = 2 AND kind = 'deactivate'")
[ "$held" -gt 0 ] || fail "cycle 2 held no deactivation"
expect_eq "held_deactivations" "$(metric eightsync_held_deactivations)" "$held"
expect_eq "cycles_total held" "$(metric 'eightsync_cycles_total{outcome="held"}')" 1
expect_eq "last_cycle_outcome held" "$(metric 'eightsync_last_cycle_outcome{outcome="held"}')" 1

# Between cycles a scrape reads the audit tables afresh: an admin resolving manual actions
# while the service runs shows at once, not after the next cycle.
open_before=$(metric 'eightsync_open_manual_actions{kind="assign_license"}')
[ "$open_before" -gt 0 ] || fail "no open assign_license action to resolve"
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve-kind assign_license
sleep 1.1  # scrapes read afresh at most once a second
expect_eq "assign_license actions after resolving" "$(metric 'eightsync_open_manual_actions{kind="assign_license"}')" 0

# Anything but GET/HEAD /metrics.
expect_in <(scrape GET /users) "HTTP/1.1 404 Not Found"
expect_in <(scrape POST /metrics) "HTTP/1.1 405 Method Not Allowed"
expect_in <(scrape HEAD /metrics) "HTTP/1.1 200 OK"

# SIGTERM: the service stops, and the port with it.
kill -TERM "$daemon"
wait "$daemon" || fail "eightsync run exited $? on SIGTERM"
if (exec 8<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}") 2>/dev/null; then fail "the metrics port is still open after exit"; fi
checks=$((checks + 1))
done_ok
