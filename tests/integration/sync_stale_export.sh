#!/usr/bin/env bash
# source.max_age: an HR export that last changed longer ago than this may be the last one an HR
# system that stopped sending left behind. Whoever is missing from it is not deactivated (held,
# hold reason export_stale), `status` says the export stopped arriving; people HR marks as left
# are still deactivated. A fresh export lets the missing go.
source "$(dirname "$0")/lib.bash"

start_emulator
example_config_own_hr "$WORK/cfg.yaml"
sed -i "s#max_deactivation_percent: 5#max_deactivation_percent: 50#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"

# 00103 leaves the export and 00105 is marked Terminated; then the export stops arriving.
sed -i "s#^  settle: 1s#  settle: 1s\n  max_age: 2s#" "$WORK/cfg.yaml"
sed -i -e '/^00103,/d' -e 's/^\(00105,.*\),Active,/\1,Terminated,/' "$WORK/hr.csv"
grep -q '^00105,.*,Terminated,' "$WORK/hr.csv" || fail "the test's export edit did not apply"
sleep 3
"$EIGHTSYNC" plan -c "$WORK/cfg.yaml" >"$WORK/out" 2>"$WORK/err" || true
expect_in "$WORK/out" "longer than source.max_age (2 s): the HR export stopped arriving?"
run_cmd 9 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT hr_key || '|' || kind || '|' || hold_reason FROM held_operations WHERE cycle_id = 2" \
  "00103|deactivate|export_stale"
expect_sql "SELECT hr_key FROM operations WHERE cycle_id = 2 AND kind = 'deactivate' AND outcome = 'ok'" "00105"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "source       the HR export stopped arriving? $WORK/hr.csv last changed"
expect_in "$WORK/out" "longer than source.max_age (2 s)"

# The HR system sends again: the person missing from the fresh export is deactivated.
touch "$WORK/hr.csv"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT hr_key FROM operations WHERE cycle_id = 3 AND kind = 'deactivate' AND outcome = 'ok'" "00103"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_not_in "$WORK/out" "source       the HR export stopped arriving"
expect_in "$WORK/out" "held         nothing waits for approval"
done_ok
