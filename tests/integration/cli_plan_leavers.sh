#!/usr/bin/env bash
# `eightsync plan` counts what a full reconcile will send for a leaver: the listing, and the
# leaver's GET and PATCH ahead of it (the leaver pass); the cycle's requests sent and planned
# then match the plan's cost.
source "$(dirname "$0")/lib.bash"

start_emulator
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
hr_export "$WORK/hr.csv" 40  # one leaver is 2.5%, within safety.max_deactivation_percent (5%)
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
# Pages of 10: the listing is 4 pages.
sed -i "s#page_size: 100#page_size: 10#" "$WORK/cfg.yaml"

# A full reconcile with one leaver: the listing pages, the leaver's GET and its PATCH.
sed -i "s/^E00002,\(.*\),Active,/E00002,\1,Terminated,/" "$WORK/hr.csv"
run_cmd 0 "$EIGHTSYNC" plan --full -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "Cost: 4 listing pages, 1 GET by id, 0 lookups, 1 write = 6 requests"
run_cmd 0 "$EIGHTSYNC" sync --full -c "$WORK/cfg.yaml"
expect_sql "SELECT requests_sent || ' ' || requests_planned FROM cycles WHERE id = 2" "6 6"

done_ok
