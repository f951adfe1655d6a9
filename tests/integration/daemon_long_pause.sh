#!/usr/bin/env bash
# The service meets a long Retry-After pause (issue 13, finding 1): `run` is not bound by
# --max-wait, but it logs the wait at warn (scim.long_wait), `status` shows the pause while the
# service holds the lock, the metrics show it (eightsync_pause_until_timestamp_seconds,
# eightsync_long_wait), and SIGTERM ends the wait at once: the service exits 0 within seconds
# (not target.timeout + 5 s later), records the cycle `interrupted` without claiming a request
# was in flight, and leaves no write without an outcome.
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
sed -i -e "s|  # listen: 127.0.0.1:9464|  listen: 127.0.0.1:0|" -e "s#  timeout: 30s#  timeout: 10s#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"
sql() { state_sql "$1"; }

# The first create of the first cycle answers 429 with Retry-After: 999999999 (capped at 1h).
emu_curl POST /_emulator/faults '{"kind":"retry_after","value":"999999999","next":1,"method":"POST"}' >/dev/null
"$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT
wait_for_log 30 "scim.retry_after_capped"
wait_for_log 30 "scim.long_wait"
expect_in "$WORK/daemon.log" "warning eightsync: scim.long_wait op=create"
wait_for 10 "SELECT count(*) FROM meta WHERE key = 'rate_limit.paused_until'" "1"
paused=$(sql "SELECT value FROM meta WHERE key = 'rate_limit.paused_until'")

# status, while the service holds the lock and waits.
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "running: eightsync pid $daemon"
expect_in "$WORK/out" "pause        8x8 asked eightsync to pause: no request before ${paused%.*}"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" "\"pause\":{\"until\":\"$paused\""
# --clear-pause needs the writer lock: while the service runs it exits 4, naming it.
run_cmd 4 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --clear-pause
expect_in "$WORK/err" "eightsync pid $daemon"

# The metrics show the wait.
ADDR=$(sed -n 's/.*metrics.listening address=\([0-9.]*:[0-9]*\).*/\1/p' "$WORK/daemon.log" | head -1)
[ -n "$ADDR" ] || fail "no metrics.listening line"
scrape() {
  exec 8<>"/dev/tcp/${ADDR%:*}/${ADDR##*:}" || fail "cannot connect to the metrics endpoint at $ADDR"
  printf 'GET /metrics HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$ADDR" >&8
  cat <&8 | tr -d '\r'
  exec 8>&-
}
scrape >"$WORK/m1"
expect_in "$WORK/m1" "eightsync_long_wait 1"
until_metric=$(awk '$1 == "eightsync_pause_until_timestamp_seconds" { print int($2) }' "$WORK/m1")
now=$(date -u +%s)
[ -n "$until_metric" ] && [ "$until_metric" -gt $((now + 3000)) ] && [ "$until_metric" -le $((now + 3700)) ] ||
  fail "eightsync_pause_until_timestamp_seconds is '$until_metric' (now $now)"
checks=$((checks + 1))

# SIGTERM ends the wait at once.
start=$SECONDS
kill -TERM "$daemon"
got=0
wait "$daemon" || got=$?
expect_eq "exit code after SIGTERM" "$got" "0"
[ $((SECONDS - start)) -le 3 ] || fail "the service took $((SECONDS - start)) s to stop during a pause"
checks=$((checks + 1))
expect_not_in "$WORK/daemon.log" "in flight"
expect_not_in "$WORK/daemon.log" "service.stop_forced"
expect_eq "cycle 1 after SIGTERM" "$(sql "SELECT outcome FROM cycles WHERE id = 1")" "interrupted"
expect_not_in <(sql "SELECT error FROM cycles WHERE id = 1") "in flight"
expect_eq "writes without an outcome" "$(sql "SELECT count(*) FROM operations WHERE outcome IS NULL")" "0"

done_ok
