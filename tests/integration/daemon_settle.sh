#!/usr/bin/env bash
# The service never reads a half-written HR export, whatever starts the cycle: the export must
# stay unchanged (size, and the later of its modification and change times) for source.settle
# first. Here source.settle is 2s.
#  - the startup cycle, right after the export was written, waits until it is 2 s old;
#  - a signal's cycle (SIGUSR1) while the HR system is still appending waits until the appending
#    stops, and reads every row;
#  - with source.ready_file, a marker older than the export keeps the cycle waiting until the HR
#    system touches it.
source "$(dirname "$0")/lib.bash"

start_emulator
example_config_own_hr "$WORK/cfg.yaml"
sed -i "s#settle: 1s#settle: 2s#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
hr_export "$WORK/full.csv" 40
cp "$WORK/full.csv" "$WORK/hr.csv"
written=$(stat -c %Z "$WORK/hr.csv")
"$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
daemon=$!
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT

wait_for 30 "SELECT outcome FROM cycles WHERE id = 1" "ok"
started=$(state_sql "SELECT CAST(strftime('%s', started_at) AS INTEGER) FROM cycles WHERE id = 1")
[ $((started - written)) -ge 2 ] || fail "the startup cycle began $((started - written)) s after the export was written"
checks=$((checks + 1))
wait_for_log 5 "source.settling path=$WORK/hr.csv"
expect_sql "SELECT rows_read FROM cycles WHERE id = 1" "40"

# The HR system writes the next export in two parts, a second apart; a signal asks for a cycle
# in between. The cycle reads the whole file.
hr_export "$WORK/next.csv" 50
head -n 21 "$WORK/next.csv" >"$WORK/hr.csv"
( sleep 1; tail -n +22 "$WORK/next.csv" >>"$WORK/hr.csv" ) &
appender=$!
kill -USR1 "$daemon"
wait "$appender"
wait_for 30 "SELECT outcome FROM cycles WHERE id = 2" "ok"
expect_sql "SELECT rows_read FROM cycles WHERE id = 2" "50"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND kind = 'deactivate'" "0"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND kind = 'create'" "10"

kill -TERM "$daemon"
wait "$daemon" || fail "the daemon's stop did not exit 0"

# With source.ready_file, the export is read only once the HR system touched the marker after
# writing it: a marker from the previous export keeps the cycle waiting.
sed -i "s#^  settle: 2s#  settle: 2s\n  ready_file: $WORK/hr.done#" "$WORK/cfg.yaml"
touch "$WORK/hr.done"
sleep 1
hr_export "$WORK/hr.csv" 55
"$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
daemon=$!
wait_for_log 10 "source.not_ready path=$WORK/hr.csv ready_file=$WORK/hr.done"
sleep 1
expect_sql "SELECT count(*) FROM cycles WHERE id = 3" "0"
touch "$WORK/hr.done"
wait_for 30 "SELECT outcome FROM cycles WHERE id = 3" "ok"
expect_sql "SELECT rows_read FROM cycles WHERE id = 3" "55"
kill -TERM "$daemon"
wait "$daemon" || fail "the daemon's stop did not exit 0"
done_ok
