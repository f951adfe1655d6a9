#!/usr/bin/env bash
# A restart keeps the schedule: `run` lists everything at start only when the last complete full
# listing (state.db's meta.last_full_listing_at) is at least schedule.full_reconcile old, or when
# there is none. A listing that stops part way does not count as complete.
source "$(dirname "$0")/lib.bash"

start_emulator
example_config "$WORK/cfg.yaml"
# Pages of one user: a full listing costs as many GETs as there are users, an idle incremental
# cycle none.
sed -i -e "s#page_size: 100#page_size: 1#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"
start_daemon() {
  "$EIGHTSYNC" run -c "$WORK/cfg.yaml" >>"$WORK/daemon.log" 2>&1 &
  daemon=$!
}
stop_daemon() {
  kill -TERM "$daemon"
  wait "$daemon" || fail "the daemon's stop did not exit 0"
}
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT
listing_gets() { emu_curl GET /_emulator/log | grep -o '"target":"/scim/v2/Users?[^"]*startIndex' | wc -l; }

# No complete listing yet: the first start lists everything.
start_daemon
wait_for 60 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 1" "full|startup|ok"
listed_at=$(state_sql "SELECT value FROM meta WHERE key = 'last_full_listing_at'")
[ -n "$listed_at" ] || fail "the first cycle recorded no complete listing"
stop_daemon

# A restart within schedule.full_reconcile (24h): an incremental cycle, no listing.
before=$(listing_gets)
start_daemon
wait_for 60 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 2" "incremental|startup|ok"
stop_daemon
expect_eq "listing GETs after a restart" "$(listing_gets)" "$before"

# A database from before the unmanaged-users index (a complete listing, but no index) and a new
# person in HR: without the index no new person can be matched in an incremental cycle, so the
# start lists everything, within schedule.full_reconcile, and creates them.
sqlite3 -batch "$DB" "DELETE FROM meta WHERE key = 'unmanaged_users.listed_at'"
cp "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" "$WORK/hr.csv"
echo "00199,Nia,Okafor,,nia.okafor@example.com,Engineer,Engineering,London,Employee,Active,,,2024-01-01" >>"$WORK/hr.csv"
sed -i "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $WORK/hr.csv#" "$WORK/cfg.yaml"
start_daemon
wait_for 60 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 3" "full|startup|ok"
stop_daemon
expect_sql "SELECT value IS NOT NULL FROM meta WHERE key = 'unmanaged_users.listed_at'" "1"
expect_sql "SELECT count(*) FROM user_links WHERE hr_key = '00199'" "1"

# The last complete listing two days ago: due, so the start lists everything. The listing stops
# at its first page (503s past the retries): not complete, and not recorded.
sqlite3 -batch "$DB" "UPDATE meta SET value = '2000-01-01T00:00:00.000Z' WHERE key = 'last_full_listing_at'"
emu_curl POST /_emulator/faults '{"kind":"status","status":503,"method":"GET","path":"/Users","next":2}' >/dev/null
start_daemon
wait_for 60 "SELECT kind || '|' || triggered_by FROM cycles WHERE id = 4 AND ended_at IS NOT NULL" "full|startup"
stop_daemon
expect_eq "the last complete listing after one that stopped" \
  "$(state_sql "SELECT value FROM meta WHERE key = 'last_full_listing_at'")" "2000-01-01T00:00:00.000Z"

# Still due at the next start: a complete listing this time, recorded.
emu_curl DELETE /_emulator/faults >/dev/null
start_daemon
wait_for 60 "SELECT kind || '|' || triggered_by || '|' || outcome FROM cycles WHERE id = 5" "full|startup|ok"
stop_daemon
[ "$(state_sql "SELECT value FROM meta WHERE key = 'last_full_listing_at'")" != "2000-01-01T00:00:00.000Z" ] ||
  fail "a complete listing was not recorded"
checks=$((checks + 1))
done_ok
