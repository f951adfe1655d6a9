#!/usr/bin/env bash
# A first load over the safety limit is held whole (exit 9), `approve` records consent with clear
# refusals, the next cycle applies exactly what was approved; `manual-actions` lists the
# follow-ups and marks them resolved by id or by kind.
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
sed -i "s#max_creates: 100#max_creates: 5#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"

# 22 creates exceed max_creates 5: all creates are held; adopts and their updates go ahead.
run_cmd 9 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "cycle 1: held"
expect_in "$WORK/out" "approve with \`eightsync approve 1\`"
expect_in <(emu_curl GET /_emulator/health) '"users":8'
expect_sql "SELECT outcome FROM cycles WHERE id = 1" "held"
expect_sql "SELECT count(*) FROM held_operations WHERE cycle_id = 1 AND kind = 'create' AND hold_reason = 'max_creates'" "22"
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 1 AND kind = 'adopt' AND outcome = 'ok'" "3"

# Refusals say why and record nothing.
run_cmd 5 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" 1 --only deactivations
expect_in "$WORK/err" "cycle 1 held no deactivations; nothing to approve"
run_cmd 5 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" 77
expect_in "$WORK/err" "there is no cycle 77"
run_cmd 64 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" 1 --only everything
expect_sql "SELECT count(*) FROM approvals" "0"

# Consent to the creates: listed, recorded with who, nothing sent yet.
run_cmd 0 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" 1 --only creates
expect_in "$WORK/out" "Approved, from cycle 1:"
expect_in "$WORK/out" "create  00104  jose.garcia@example.com  held: "
expect_in "$WORK/out" "22 operations approved by $(id -un)"
expect_in <(emu_curl GET /_emulator/health) '"users":8'
expect_sql "SELECT scope || '|' || (consumed_in_cycle IS NULL) FROM approvals" "creates|1"
run_cmd 5 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" 1 --only creates
expect_in "$WORK/err" "already approved and wait for the next cycle"

# The next cycle applies them (still planned against fresh data) and uses the approval up.
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "cycle 2: ok"
expect_in <(emu_curl GET /_emulator/health) '"users":30'
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 2 AND kind = 'create' AND outcome = 'ok'" "22"
expect_sql "SELECT consumed_in_cycle FROM approvals" "2"
expect_sql "SELECT count(*) FROM held_operations WHERE cycle_id = 2" "0"

# manual-actions: the follow-ups of 22 creates, the conflicts and the userName change.
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "[assign_license]  HR key 00104  jose.garcia@example.com"
expect_in "$WORK/out" "[resolve_conflict]  HR key 00110"
open=$(sql "SELECT count(*) FROM open_manual_actions")
expect_in "$WORK/out" "$open open. When done in Admin Console: eightsync manual-actions --resolve ID..."
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" '"kind":"assign_license","hr_key":"00104"'
first=$(sql "SELECT min(id) FROM open_manual_actions WHERE kind = 'assign_license'")
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve "$first" --note "licensed"
expect_in "$WORK/out" "1 manual action marked resolved by $(id -un)."
expect_sql "SELECT status || '|' || note FROM manual_actions WHERE id = $first" "resolved|licensed"
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve-kind show_in_directory
expect_in "$WORK/out" "22 manual actions marked resolved"
expect_sql "SELECT count(*) FROM open_manual_actions WHERE kind = 'show_in_directory'" "0"
run_cmd 5 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve "$first"
expect_in "$WORK/err" "none of the ids given is an open manual action"
run_cmd 64 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve-kind license
expect_in "$WORK/err" "unknown kind \"license\"; expected one of: assign_license"
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --all
expect_in "$WORK/out" "RESOLVED by $(id -un)"

# Without a state database, the operator commands say so instead of creating one.
sed -i "s#$WORK/state.db#$WORK/none.db#" "$WORK/cfg.yaml"
run_cmd 3 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "no state database at $WORK/none.db yet"
[ ! -e "$WORK/none.db" ] || fail "manual-actions created a state database"
done_ok
