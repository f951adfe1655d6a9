#!/usr/bin/env bash
# `eightsync run` as systemd runs it, against the emulator: READY, STATUS, WATCHDOG and STOPPING on
# a notify socket of the test's own; a second `run` on the same state refuses to start; a changed
# HR export (replaced by rename) triggers a cycle; SIGHUP with a broken config keeps the old one,
# with a good one applies it; SIGUSR1 runs a cycle; SIGTERM mid-cycle exits 0, records the cycle
# `interrupted`, and the next start loses nothing.
source "$(dirname "$0")/lib.bash"
: "${EIGHTSYNC_NOTIFY_LISTENER:?}"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
mkdir -p "$WORK/hr"
cp "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" "$WORK/hr/hr.csv"
example_config "$WORK/cfg.yaml"
sed -i -e "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $WORK/hr/hr.csv#" \
  -e "s#on_source_change: false#on_source_change: true#" -e "s#max_deactivation_percent: 5#max_deactivation_percent: 50#" \
  -e "s#level: info#level: info#" "$WORK/cfg.yaml"
cp "$WORK/cfg.yaml" "$WORK/cfg.good"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"
sql() { state_sql "$1"; }

"$EIGHTSYNC_NOTIFY_LISTENER" "$WORK/notify.sock" >"$WORK/notify.log" &
listener=$!
until grep -q listening "$WORK/notify.log" 2>/dev/null; do sleep 0.05; done
start_daemon() {
  NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000 "$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
  daemon=$!
}
start_daemon
trap 'kill "$daemon" "$listener" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT

# The first cycle is a full reconcile at startup.
wait_for 60 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 1" "full|startup|ok"
expect_in <(emu_curl GET /_emulator/health) '"users":30'

# A second `run` on the same state database refuses to start, naming the holder.
run_cmd 4 "$EIGHTSYNC" run -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "eightsync pid $daemon"

# The HR export replaced by rename: a cycle once it has settled.
sed 's/^00105,\(.*\),Senior Software Engineer,/00105,\1,Staff Software Engineer,/' "$WORK/hr/hr.csv" >"$WORK/hr/.hr.csv.tmp"
mv "$WORK/hr/.hr.csv.tmp" "$WORK/hr/hr.csv"
wait_for 30 "SELECT triggered_by || '|' || outcome FROM cycles WHERE id = 2" "source_change|ok"
expect_in <(emu_user lukasz.nowak@example.com) '"title":"Staff Software Engineer"'

# SIGHUP with a broken config: logged, the old config kept, the daemon alive.
printf 'target:\n  url: [not a url\n' >"$WORK/cfg.yaml"
kill -HUP "$daemon"
wait_for_log 10 "config.reload_failed"
# Each SIGHUP reads the time zones again too (after a tzdata upgrade).
wait_for_log 10 "tz.reloaded"
kill -0 "$daemon" || fail "the daemon died on a broken config"
# SIGHUP with a good one (a new title mapping) applies it; SIGUSR1 runs a cycle with it.
sed 's#title: "{title|trim}"#title: "{title|trim|upper}"#' "$WORK/cfg.good" >"$WORK/cfg.yaml"
kill -HUP "$daemon"
wait_for_log 10 "config.reloaded"
kill -USR1 "$daemon"
wait_for 30 "SELECT triggered_by || '|' || outcome FROM cycles WHERE id = 3" "signal|ok"
expect_in <(emu_user lukasz.nowak@example.com) '"title":"STAFF SOFTWARE ENGINEER"'

# SIGTERM in the middle of a cycle: every PUT now takes 1.5 s; stop during the updates.
cp "$WORK/cfg.good" "$WORK/cfg.yaml"
kill -HUP "$daemon"
emu_curl POST /_emulator/faults '{"kind":"slow","delay_ms":1500,"method":"PUT"}' >/dev/null
kill -USR1 "$daemon"
wait_for 30 "SELECT count(*) > 0 FROM operations WHERE cycle_id = 4 AND kind = 'update' AND outcome = 'ok'" "1"
kill -TERM "$daemon"
got=0
wait "$daemon" || got=$?
expect_eq "exit code after SIGTERM" "$got" "0"
expect_eq "cycle 4 after SIGTERM" "$(sql "SELECT outcome FROM cycles WHERE id = 4")" "interrupted"
# The next start loses nothing: it finishes the updates, no intent stays open.
emu_curl DELETE /_emulator/faults >/dev/null
start_daemon
wait_for 60 "SELECT triggered_by || '|' || outcome FROM cycles WHERE id = 5" "startup|ok"
expect_eq "unresolved intents" "$(sql "SELECT count(*) FROM operations WHERE outcome IS NULL")" "0"
expect_in <(emu_user lukasz.nowak@example.com) '"title":"Staff Software Engineer"'
expect_eq "duplicate userNames" "$(emu_curl GET /_emulator/users | grep -o '"userName":"[^"]*"' | sort | uniq -d | wc -l)" "0"
kill -TERM "$daemon"
wait "$daemon" || fail "the daemon's clean stop did not exit 0"
sleep 0.2

# systemd saw READY first, then STATUS lines and watchdog pings, and STOPPING last.
kill "$listener" 2>/dev/null || true
expect_eq "first notify message" "$(sed -n 2p "$WORK/notify.log" | cut -c1-7)" "READY=1"
grep -q "^STATUS=last cycle 1: ok" "$WORK/notify.log" || fail "no STATUS after the first cycle: $(cat "$WORK/notify.log")"
grep -q "^WATCHDOG=1$" "$WORK/notify.log" || fail "no WATCHDOG=1"
expect_in "$WORK/notify.log" "RELOADING=1"
last=$(tail -1 "$WORK/notify.log")
case "$last" in STOPPING=1*) checks=$((checks + 1)) ;; *) fail "the last notify message is not STOPPING: $last" ;; esac
first_watchdog=$(grep -n "^WATCHDOG=1$" "$WORK/notify.log" | head -1 | cut -d: -f1)
[ "$first_watchdog" -gt 2 ] || fail "WATCHDOG before READY"
checks=$((checks + 1))
done_ok
