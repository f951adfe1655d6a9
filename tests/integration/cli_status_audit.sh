#!/usr/bin/env bash
# status and audit, read as an admin would after a cycle: the last cycle, the writer lock's
# holder, held operations, manual actions, quarantined rows; cycles, one cycle's operations with
# before -> after, one user's history; and their --json forms.
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

# Before any cycle: no database, said plainly.
run_cmd 3 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "eightsync status: no state database at $WORK/state.db yet"

run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "last cycle   cycle 1  ok  full  cli  "
expect_in "$WORK/out" "create ok 22, update ok 3, adopt ok 3"
expect_in "$WORK/out" "no eightsync process holds the writer lock"
expect_in "$WORK/out" "nothing waits for approval"
expect_in "$WORK/out" "48 open (assign_license 22, change_user_name 1, resolve_conflict 3, show_in_directory 22)"
expect_in "$WORK/out" "quarantined  0 HR rows in the last cycle"
# The next lifecycle event, as the cycle recorded it (status reads no export): Noor Haddad's
# account is made 7 days before her start, in Austin's zone; nothing is linked to her yet.
expect_in "$WORK/out" "next event   2029-12-31 08:00 CST (2029-12-31T14:00:00Z): HR key 00131 noor.haddad@example.com, account created inactive"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" '"lock_holder_pid":null'
expect_in "$WORK/out" '"next_lifecycle_event":{"at":"2029-12-31T14:00:00Z","local":"2029-12-31 08:00 CST","zone":"America/Chicago","hr_key":"00131","user_name":"noor.haddad@example.com","becomes":"provisioning","what":"account created inactive","found_at":"'
expect_in "$WORK/out" '"open_manual_actions":{"assign_license":22,'

# A process holding the writer lock is named, found without taking the lock.
flock "$WORK/state.db.lock" sleep 30 &
holder=$!
sleep 0.3
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "running: eightsync pid $holder holds the writer lock"
expect_in "$WORK/out" "next cycle   about "
kill "$holder"
wait "$holder" 2>/dev/null || true

run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" cycles
expect_in "$WORK/out" "cycle 1  ok  full  cli  "
expect_in "$WORK/out" "26/26 requests sent/planned"
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" show 1
expect_in "$WORK/out" "HR export: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv, 31 rows, 30 in scope, 0 quarantined"
expect_in "$WORK/out" "Operations (28)"
expect_in "$WORK/out" "create  ok  HR key 00104  jose.garcia@example.com (id $(id_of jose.garcia@example.com))"
expect_in "$WORK/out" "    POST /Users -> 201, 1 attempt"
expect_in "$WORK/out" '    title: "CEO" -> "Chief Executive Officer"'
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" show 1 --json
expect_in "$WORK/out" '"kind":"create","hr_key":"00104"'
expect_in "$WORK/out" '"quarantined":[]'
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" user MARGARET.WHITFIELD@example.com
expect_in "$WORK/out" "History of MARGARET.WHITFIELD@example.com (2 operations, oldest first)"
expect_in "$WORK/out" "adopt  ok  HR key 00101"
expect_in "$WORK/out" "update  ok  HR key 00101"
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" user 00101 --json
expect_in "$WORK/out" '"kind":"adopt"'
run_cmd 5 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" show 9
expect_in "$WORK/err" "there is no cycle 9"
run_cmd 5 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" user nobody@example.com
expect_in "$WORK/err" "no operation recorded for HR key or userName \"nobody@example.com\""
run_cmd 64 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml"
done_ok
