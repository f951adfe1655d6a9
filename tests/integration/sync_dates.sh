#!/usr/bin/env bash
# Effective dates end to end, with `sync --as-of` against the emulator, on the shipped example:
# Noor Haddad (00131, Austin, start 2030-01-07, 08:00 in Chicago) is
#  1. left alone today (her start is years ahead);
#  2. created inactive inside the provisioning window, with assign_license and no
#     show_in_directory yet;
#  3. activated at her start (a PATCH), with show_in_directory then;
#  4. deactivated when the end date HR set comes, while HR still says Active;
# and --as-of moves nothing but the dates: audit times and the rate limiter keep the real clock.
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
sync_at() { run_cmd "${2:-0}" "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" ${1:+--as-of "$1"}; }
noor() { emu_user noor.haddad@example.com; }
open_action() {
  sql "SELECT count(*) FROM manual_actions WHERE hr_key = '00131' AND kind = '$1' AND status = 'open'"
}

# 1. Today: her start is years ahead.
sync_at "" 0
expect_sql "SELECT count(*) FROM operations WHERE hr_key = '00131'" "0"
expect_eq "Noor in 8x8 today" "$(noor)" ""

# 2. Inside the provisioning window (seven days before 2030-01-07T14:00:00Z): created inactive.
sync_at 2030-01-02T00:00:00Z 0
expect_in "$WORK/err" "start and end dates are evaluated as of 2030-01-02T00:00:00Z (--as-of)"
expect_sql "SELECT kind || ' ' || outcome FROM operations WHERE hr_key = '00131'" "create ok"
expect_in <(noor) '"active":false'
expect_eq "assign_license for Noor" "$(open_action assign_license)" "1"
expect_eq "show_in_directory for Noor, before her start" "$(open_action show_in_directory)" "0"
# Only the dates moved: the cycle's own times are today's.
expect_sql "SELECT substr(started_at, 1, 4) FROM cycles WHERE id = 2" "$(date -u +%Y)"

# A cycle later in the window sends nothing for her.
sync_at 2030-01-05T00:00:00Z 0
expect_sql "SELECT count(*) FROM operations WHERE hr_key = '00131'" "1"

# Were her row to go before her start (a cancelled hire), her account stays inactive and a
# manual action says so: 8x8 cannot delete users.
cp "$WORK/hr.csv" "$WORK/hr.keep"
sed -i '/^00131,/d' "$WORK/hr.csv"
sync_at 2030-01-05T00:00:00Z 0
expect_sql "SELECT count(*) FROM operations WHERE hr_key = '00131'" "1"
expect_eq "cancelled_hire for Noor" "$(open_action cancelled_hire)" "1"
expect_in <(noor) '"active":false'
mv "$WORK/hr.keep" "$WORK/hr.csv"

# 3. Her start: activated, and now shown in the directory. With safety.max_reactivations at 0
# the activation is held, until an operator approves it ahead with `approve --upcoming`.
sed -i -e "s#max_reactivations: 10#max_reactivations: 0#" "$WORK/cfg.yaml"
sync_at 2030-01-07T14:00:00Z 9
expect_sql "SELECT kind || ' ' || hold_reason FROM held_operations WHERE hr_key = '00131'" "reactivate max_reactivations"
run_cmd 0 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" --upcoming --horizon 2d --as-of 2030-01-06T00:00:00Z
expect_in "$WORK/out" "  2030-01-07T14:00:00Z  reactivate  00131  noor.haddad@example.com"
expect_in "$WORK/out" "1 operation approved ahead by $(id -un)."
expect_sql "SELECT kind || ' ' || due_at || ' ' || approved_by FROM upcoming_approvals" \
  "reactivate 2030-01-07T14:00:00.000Z $(id -un)"
run_cmd 5 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" --upcoming --horizon 1d --as-of 2030-03-01T00:00:00Z
expect_in "$WORK/err" "no start, end or provisioning window comes before 2030-03-02T00:00:00Z; nothing was approved"
sync_at 2030-01-07T14:00:00Z 0
expect_sql "SELECT kind || ' ' || outcome FROM operations WHERE hr_key = '00131' ORDER BY id DESC LIMIT 1" \
  "reactivate ok"
expect_in <(noor) '"active":true'
expect_eq "show_in_directory for Noor, at her start" "$(open_action show_in_directory)" "1"
sed -i -e "s#max_reactivations: 0#max_reactivations: 10#" "$WORK/cfg.yaml"

# 4. HR sets her last day, 2030-06-30: access ends at the next midnight in Chicago (05:00 UTC).
sed -i -e 's|  # end_date: "{termination_date}"|  end_date: "{termination_date}"|' "$WORK/cfg.yaml"
awk -F, 'NR == 1 { print $0 ",termination_date"; next }
  { print $0 "," ($1 == "00131" ? "2030-06-30" : "") }' "$WORK/hr.csv" >"$WORK/hr.next"
mv "$WORK/hr.next" "$WORK/hr.csv"
sync_at 2030-07-01T04:59:59Z 0
expect_sql "SELECT count(*) FROM operations WHERE hr_key = '00131' AND kind = 'deactivate'" "0"
sync_at 2030-07-01T05:00:00Z 0
expect_sql "SELECT kind || ' ' || outcome FROM operations WHERE hr_key = '00131' ORDER BY id DESC LIMIT 1" \
  "deactivate ok"
expect_sql "SELECT reason LIKE 'The end date HR set for this person has come (lifecycle.end_date)%'
  FROM operations WHERE hr_key = '00131' ORDER BY id DESC LIMIT 1" "1"
expect_in <(noor) '"active":false'

done_ok
